/**
 * `tf.callbacks`: Keras' callbacks. Each is a class that also works as a factory, so both
 * `callbacks.EarlyStopping({ patience: 3 })` and `new callbacks.EarlyStopping({ patience: 3 })`
 * work; subclass `callbacks.Callback` for custom ones.
 */
import { CSVLogger as CSVLoggerClass } from "./csv_logger.js";
import { Dashboard as DashboardClass } from "./dashboard.js";
import { EarlyStopping as EarlyStoppingClass } from "./early_stopping.js";
import { History as HistoryClass } from "./history.js";
import { LambdaCallback as LambdaCallbackClass } from "./lambda_callback.js";
import { LearningRateScheduler as LearningRateSchedulerClass } from "./lr_scheduler.js";
import { ProgbarLogger as ProgbarLoggerClass } from "./progbar.js";
import { ReduceLROnPlateau as ReduceLROnPlateauClass } from "./reduce_lr.js";
import { TerminateOnNaN as TerminateOnNaNClass } from "./terminate_on_nan.js";
import { ModelCheckpoint as ModelCheckpointClass } from "./model_checkpoint.js";
import { BackupAndRestore as BackupAndRestoreClass } from "./backup_and_restore.js";
import { SwapEMAWeights as SwapEMAWeightsClass } from "./swap_ema_weights.js";
import { TensorBoard as TensorBoardClass } from "./tensorboard.js";

export {
  Callback,
  CallbackList,
  type CallbackListOptions,
  type CallbackModel,
  type CallbackParams,
  type HookResult,
  type Logs,
  type PredictBatchLogs,
} from "./callback.js";
export { configureCallbacks, type ConfigureCallbacksOptions, type ConfiguredCallbacks } from "./configure.js";
export { MonitorCallback, inferMonitorDirection, type MonitorMode, type MonitorOptions } from "./monitor_callback.js";
export { Progbar, type ProgbarOptions, type ProgbarValues, type ProgbarLoggerOptions, formatTimePerUnit } from "./progbar.js";
export { setOutputWriter, getOutputWriter, type ProgressWriter, type Clock, type WarnFn } from "./output.js";
export { setLogSink, type LogSink } from "./output.js";
export type { EarlyStoppingOptions } from "./early_stopping.js";
export type { ReduceLROnPlateauOptions } from "./reduce_lr.js";
export type { LearningRateSchedule, LearningRateSchedulerOptions } from "./lr_scheduler.js";
export type { CSVLoggerOptions } from "./csv_logger.js";
export type { TerminateOnNaNOptions } from "./terminate_on_nan.js";
export type { LambdaCallbackOptions } from "./lambda_callback.js";
export type { ModelCheckpointOptions } from "./model_checkpoint.js";
export type { BackupAndRestoreOptions } from "./backup_and_restore.js";
export type { SwapEMAWeightsOptions } from "./swap_ema_weights.js";
export type { TensorBoardOptions } from "./tensorboard.js";
export { formatFilepath } from "./filepath_format.js";
export type { DashboardOptions, DashboardSamples } from "./dashboard.js";

/** A class that can also be called without `new`. */
export type Factory<C extends abstract new (...args: never[]) => object> = C &
  ((...args: ConstructorParameters<C>) => InstanceType<C>);

function factory<C extends new (...args: never[]) => object>(cls: C): Factory<C> {
  return new Proxy(cls, {
    apply(target, _thisArg, args: unknown[]) {
      return Reflect.construct(target, args);
    },
  }) as Factory<C>;
}

export const History = factory(HistoryClass);
export type History = HistoryClass;
export const ProgbarLogger = factory(ProgbarLoggerClass);
export type ProgbarLogger = ProgbarLoggerClass;
export const EarlyStopping = factory(EarlyStoppingClass);
export type EarlyStopping = EarlyStoppingClass;
export const ReduceLROnPlateau = factory(ReduceLROnPlateauClass);
export type ReduceLROnPlateau = ReduceLROnPlateauClass;
export const LearningRateScheduler = factory(LearningRateSchedulerClass);
export type LearningRateScheduler = LearningRateSchedulerClass;
export const CSVLogger = factory(CSVLoggerClass);
export type CSVLogger = CSVLoggerClass;
export const TerminateOnNaN = factory(TerminateOnNaNClass);
export type TerminateOnNaN = TerminateOnNaNClass;
export const LambdaCallback = factory(LambdaCallbackClass);
export type LambdaCallback = LambdaCallbackClass;
export const ModelCheckpoint = factory(ModelCheckpointClass);
export type ModelCheckpoint = ModelCheckpointClass;
export const BackupAndRestore = factory(BackupAndRestoreClass);
export type BackupAndRestore = BackupAndRestoreClass;
export const SwapEMAWeights = factory(SwapEMAWeightsClass);
export type SwapEMAWeights = SwapEMAWeightsClass;
export const Dashboard = factory(DashboardClass);
export type Dashboard = DashboardClass;
export const TensorBoard = factory(TensorBoardClass);
export type TensorBoard = TensorBoardClass;

// The plain classes, for code that prefers them.
export {
  HistoryClass as HistoryCallback,
  ProgbarLoggerClass as ProgbarLoggerCallback,
  EarlyStoppingClass as EarlyStoppingCallback,
  ReduceLROnPlateauClass as ReduceLROnPlateauCallback,
  LearningRateSchedulerClass as LearningRateSchedulerCallback,
  CSVLoggerClass as CSVLoggerCallback,
  TerminateOnNaNClass as TerminateOnNaNCallback,
  LambdaCallbackClass,
  ModelCheckpointClass as ModelCheckpointCallback,
  BackupAndRestoreClass as BackupAndRestoreCallback,
  SwapEMAWeightsClass as SwapEMAWeightsCallback,
  DashboardClass as DashboardCallback,
  TensorBoardClass as TensorBoardCallback,
};
import { RemoteMonitor as RemoteMonitorClass } from "./remote_monitor.js";
export type { RemoteMonitorOptions } from "./remote_monitor.js";
export const RemoteMonitor = factory(RemoteMonitorClass);
export type RemoteMonitor = RemoteMonitorClass;
export { RemoteMonitorClass as RemoteMonitorCallback };
