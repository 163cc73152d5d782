import { Callback, CallbackList, type CallbackModel, type CallbackParams } from "./callback.js";
import { History } from "./history.js";
import { ProgbarLogger } from "./progbar.js";

export interface ConfigureCallbacksOptions {
  /** Append a History unless the list has one (fit: true). */
  addHistory?: boolean;
  /** Append a ProgbarLogger unless the list has one (Keras: verbose !== 0). */
  addProgbar?: boolean;
  model?: CallbackModel;
  params?: CallbackParams;
}

export interface ConfiguredCallbacks {
  list: CallbackList;
  history: History | null;
  progbar: ProgbarLogger | null;
}

/**
 * The CallbackList that fit / evaluate / predict drive, as Keras builds it: the user's callbacks
 * first, then History, then ProgbarLogger (so both see keys that earlier callbacks add to the
 * logs, such as ReduceLROnPlateau's `learning_rate`).
 */
export function configureCallbacks(
  callbacks: Iterable<Callback> | Callback | null | undefined,
  options: ConfigureCallbacksOptions = {},
): ConfiguredCallbacks {
  const given: Callback[] = callbacks == null ? [] : callbacks instanceof Callback ? [callbacks] : [...callbacks];
  const list = new CallbackList(given);
  let history = given.find((c): c is History => c instanceof History) ?? null;
  let progbar = given.find((c): c is ProgbarLogger => c instanceof ProgbarLogger) ?? null;
  if (history === null && options.addHistory) {
    history = new History();
    list.append(history);
  }
  if (progbar === null && options.addProgbar) {
    progbar = new ProgbarLogger();
    list.append(progbar);
  }
  if (options.model) list.setModel(options.model);
  if (options.params) list.setParams(options.params);
  return { list, history, progbar };
}
