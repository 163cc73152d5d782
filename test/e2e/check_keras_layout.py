#!/usr/bin/python3
"""Checks model files written by lamina against Keras' file layouts, with h5py and zipfile only.

Usage: /usr/bin/python3 check_keras_layout.py MODEL.keras MODEL.h5 MODEL.weights.h5 [LEGACY_WEIGHTS.h5]
(the four files hold the same model). The expected layout is derived here, independently of
lamina, from the rules of keras/src/saving/saving_lib.py (Keras 3) and
keras/saving/legacy/hdf5_format.py (tf.keras 2):

.keras   zip entries metadata.json, config.json, model.weights.h5 in that order, stored; metadata
         keys keras_version (3.x) and date_saved (%Y-%m-%d@%H:%M:%S); every serialized object in
         config.json is {module, class_name, config, registered_name}; compile_config has Keras 3's
         keys; model.weights.h5 has exactly the groups saving_lib makes: vars (attr name = model
         name), layers/<snake_case class>[_k]/vars (attr name = layer name; nested models recurse),
         optimizer/vars; datasets 0..n-1 with the shapes each layer's config implies (trainable
         variables first), optimizer: iteration int64 scalar, learning_rate float32 scalar, then the
         slots of each trainable variable with its shape.
.h5      root attrs keras_version, backend, model_config (Keras 2 form: no module/registered_name,
         string dtypes, InputLayer batch_input_shape, list inbound_nodes), training_config with
         optimizer_config; model_weights attrs layer_names (the model's layers), backend,
         keras_version; per layer weight_names "<layer>/<weight>:0" in Keras 2 order and datasets at
         those names with the same shapes; top_level_model_weights; optimizer_weights.
Values agree across the three files.
"""
import json
import re
import sys
import zipfile

import h5py
import numpy as np

checks = 0


def check(cond, msg):
    global checks
    checks += 1
    if not cond:
        raise AssertionError(msg)


def to_snake_case(name):
    """keras.src.utils.naming.to_snake_case."""
    name = re.sub(r"\W+", "", name)
    name = re.sub("(.)([A-Z][a-z]+)", r"\1_\2", name)
    name = re.sub("([a-z])([A-Z])", r"\1_\2", name).lower()
    return name


def text(v):
    return v.decode("utf8") if isinstance(v, bytes) else str(v)


def names_attr(group, name):
    if name not in group.attrs:
        return None
    return [text(x) for x in np.atleast_1d(group.attrs[name])] if len(np.atleast_1d(group.attrs[name])) else []


# ------------------------------------------------------------------ shapes from layer configs

def layer_variables(cls, cfg, input_shape):
    """(name, shape, trainable) of a built-in layer's own variables, in creation order."""
    if cls == "Dense":
        out = [("kernel", (input_shape[-1], cfg["units"]), True)]
        if cfg.get("use_bias", True):
            out.append(("bias", (cfg["units"],), True))
        return out
    if cls in ("Conv2D", "Conv2DTranspose"):
        kh, kw = cfg["kernel_size"]
        cin = input_shape[-1]
        shape = (kh, kw, cin, cfg["filters"]) if cls == "Conv2D" else (kh, kw, cfg["filters"], cin)
        out = [("kernel", shape, True)]
        if cfg.get("use_bias", True):
            out.append(("bias", (cfg["filters"],), True))
        return out
    if cls == "DepthwiseConv2D":
        kh, kw = cfg["kernel_size"]
        out = [("kernel", (kh, kw, input_shape[-1], cfg["depth_multiplier"]), True)]
        if cfg.get("use_bias", True):
            out.append(("bias", (input_shape[-1] * cfg["depth_multiplier"],), True))
        return out
    if cls == "SeparableConv2D":
        kh, kw = cfg["kernel_size"]
        cin, dm = input_shape[-1], cfg["depth_multiplier"]
        out = [("depthwise_kernel", (kh, kw, cin, dm), True), ("pointwise_kernel", (1, 1, cin * dm, cfg["filters"]), True)]
        if cfg.get("use_bias", True):
            out.append(("bias", (cfg["filters"],), True))
        return out
    if cls in ("BatchNormalization", "LayerNormalization"):
        c = (input_shape[-1],)
        out = []
        if cfg.get("scale", True):
            out.append(("gamma", c, True))
        if cfg.get("center", True):
            out.append(("beta", c, True))
        if cls == "BatchNormalization":
            out += [("moving_mean", c, False), ("moving_variance", c, False)]
        return out
    return []


def keras_order(variables):
    return [v for v in variables if v[2]] + [v for v in variables if not v[2]]


# ------------------------------------------------------------------ Keras 3 config

def check_serialized_objects(obj, where):
    if isinstance(obj, dict):
        if "class_name" in obj and "config" in obj and obj.get("class_name") != "__keras_tensor__" and obj.get("class_name") != "__lambda__":
            for key in ("module", "class_name", "config", "registered_name"):
                check(key in obj, f"{where}: serialized object {obj.get('class_name')} lacks '{key}'")
        for k, v in obj.items():
            check_serialized_objects(v, f"{where}.{k}")
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            check_serialized_objects(v, f"{where}[{i}]")


def model_layers(entry):
    """The layers Keras' model.layers lists: Sequential drops its InputLayer, Functional keeps all."""
    layers = entry["config"]["layers"]
    if entry["class_name"] == "Sequential":
        return [l for l in layers if l["class_name"] != "InputLayer"]
    return layers


def is_model(entry):
    return entry["class_name"] in ("Sequential", "Functional", "Model")


def build_shape(entry):
    bc = entry.get("build_config") or {}
    return bc.get("input_shape")


def expected_keras3_groups(entry, path, out, trainable_out):
    """saving_lib._save_state / _save_container_state for a model config."""
    vars_path = "vars" if path == "" else f"{path}/vars"
    out[vars_path] = (entry["config"]["name"], [])
    used = {}
    for layer in model_layers(entry):
        base = to_snake_case("Functional" if layer["class_name"] == "Model" else layer["class_name"])
        if base in used:
            used[base] += 1
            base = f"{base}_{used[base]}"
        else:
            used[base] = 0
        lpath = f"{path}/layers/{base}" if path else f"layers/{base}"
        if is_model(layer):
            expected_keras3_groups(layer, lpath, out, trainable_out)
            continue
        shape = build_shape(layer)
        variables = layer_variables(layer["class_name"], layer["config"], shape) if shape else []
        variables = keras_order(variables)
        out[f"{lpath}/vars"] = (layer["config"]["name"], [v[1] for v in variables])
        if layer["config"].get("trainable", True):
            trainable_out.extend(v[1] for v in variables if v[2])


def check_keras_file(path):
    zf = zipfile.ZipFile(path)
    infos = zf.infolist()
    check([i.filename for i in infos] == ["metadata.json", "config.json", "model.weights.h5"], f"{path}: zip entries {[i.filename for i in infos]}")
    check(all(i.compress_type == zipfile.ZIP_STORED for i in infos), f"{path}: entries must be stored uncompressed as Keras writes them")
    check(zf.testzip() is None, f"{path}: CRC error")
    meta = json.loads(zf.read("metadata.json"))
    check(set(meta) == {"keras_version", "date_saved"}, f"{path}: metadata keys {sorted(meta)}")
    check(re.fullmatch(r"3\.\d+\.\d+", meta["keras_version"]) is not None, f"{path}: keras_version {meta['keras_version']}")
    check(re.fullmatch(r"\d{4}-\d\d-\d\d@\d\d:\d\d:\d\d", meta["date_saved"]) is not None, f"{path}: date_saved {meta['date_saved']}")
    config = json.loads(zf.read("config.json"))
    check(config["class_name"] in ("Sequential", "Functional"), f"{path}: top class {config['class_name']}")
    check_serialized_objects(config, "config.json")
    if "compile_config" in config:
        cc = config["compile_config"]
        check(set(cc) == {"optimizer", "loss", "loss_weights", "metrics", "weighted_metrics", "run_eagerly", "steps_per_execution", "jit_compile"}, f"{path}: compile_config keys {sorted(cc)}")
        check(cc["optimizer"]["module"] == "keras.optimizers", f"{path}: optimizer module")
    for layer in model_layers(config):
        if layer_variables(layer["class_name"], layer["config"], [None, 1, 1, 1]) and not is_model(layer):
            check(build_shape(layer) is not None, f"{path}: layer {layer['config']['name']} with weights lacks build_config")
    with zf.open("model.weights.h5") as fh:
        data = fh.read()
    import io
    h5 = h5py.File(io.BytesIO(data), "r")
    groups = check_keras3_weights(h5, config, f"{path}:model.weights.h5")
    return config, h5, groups


def check_keras3_weights(h5, config, where):
    expected = {}
    trainable = []
    expected_keras3_groups(config, "", expected, trainable)
    if "compile_config" in config:
        opt = config["compile_config"]["optimizer"]
        slots = {"Adam": 2, "AdamW": 2, "SGD": 1 if opt["config"].get("momentum", 0) else 0, "RMSprop": 1 + (1 if opt["config"].get("momentum", 0) else 0) + (1 if opt["config"].get("centered") else 0)}
        per = slots.get(opt["class_name"])
        if per is not None:
            opt_shapes = [(), ()] + [s for s in trainable for _ in range(per)]
            found = len(h5["optimizer/vars"]) if "optimizer/vars" in h5 else 0
            # An optimizer that never stepped has only iteration and learning_rate.
            expected["optimizer/vars"] = (opt["config"]["name"], opt_shapes if found > 2 else [(), ()])
    found = {}

    def visit(name, obj):
        if isinstance(obj, h5py.Group) and name.split("/")[-1] == "vars":
            found[name] = obj
    h5.visititems(visit)
    check(set(found) == set(expected), f"{where}: vars groups {sorted(found)} != Keras' {sorted(expected)}")
    for gpath, (name, shapes) in expected.items():
        g = found[gpath]
        check(text(g.attrs.get("name")) == name, f"{where}: {gpath} attr name {g.attrs.get('name')!r} != {name!r}")
        keys = sorted(g.keys(), key=int)
        check(keys == [str(i) for i in range(len(shapes))], f"{where}: {gpath} datasets {keys}, expected {len(shapes)}")
        for i, shape in enumerate(shapes):
            ds = g[str(i)]
            check(isinstance(ds, h5py.Dataset), f"{where}: {gpath}/{i} is not a dataset")
            check(tuple(ds.shape) == tuple(shape), f"{where}: {gpath}/{i} shape {ds.shape} != {tuple(shape)}")
            if gpath == "optimizer/vars" and i == 0:
                check(ds.dtype == np.int64, f"{where}: optimizer iteration dtype {ds.dtype}")
            else:
                check(ds.dtype == np.float32, f"{where}: {gpath}/{i} dtype {ds.dtype}")
    return expected


# ------------------------------------------------------------------ legacy .h5

def check_keras2_config(obj, where):
    if isinstance(obj, dict):
        check("module" not in obj or "class_name" not in obj, f"{where}: Keras 3 'module' key in a Keras 2 config")
        check("registered_name" not in obj, f"{where}: Keras 3 'registered_name' key in a Keras 2 config")
        check("build_config" not in obj, f"{where}: Keras 3 'build_config' key in a Keras 2 config")
        if obj.get("class_name") == "InputLayer":
            check("batch_input_shape" in obj["config"], f"{where}: Keras 2 InputLayer needs batch_input_shape")
        if "dtype" in obj:
            check(isinstance(obj["dtype"], str), f"{where}: Keras 2 dtype must be a string, got {obj['dtype']!r}")
        if "inbound_nodes" in obj:
            for node in obj["inbound_nodes"]:
                check(isinstance(node, list) and all(isinstance(t, list) and len(t) == 4 and isinstance(t[0], str) and isinstance(t[3], dict) for t in node), f"{where}: Keras 2 inbound node {node}")
        for k, v in obj.items():
            check_keras2_config(v, f"{where}.{k}")
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            check_keras2_config(v, f"{where}[{i}]")


def check_legacy_file(path, keras3_config):
    f = h5py.File(path, "r")
    for key in ("keras_version", "backend", "model_config"):
        check(key in f.attrs, f"{path}: root attribute {key} missing")
    check(re.fullmatch(r"2\.\d+\.\d+", text(f.attrs["keras_version"])) is not None, f"{path}: keras_version {f.attrs['keras_version']}")
    mc = json.loads(text(f.attrs["model_config"]))
    check(set(mc) == {"class_name", "config"}, f"{path}: model_config keys {sorted(mc)}")
    check_keras2_config(mc, f"{path}:model_config")
    if "compile_config" in keras3_config:
        tc = json.loads(text(f.attrs["training_config"]))
        check("optimizer_config" in tc and set(tc["optimizer_config"]) == {"class_name", "config"}, f"{path}: training_config.optimizer_config")
        check(tc["loss"] == keras3_config["compile_config"]["loss"], f"{path}: training_config loss")
        check("optimizer_weights" in f, f"{path}: optimizer_weights group missing")
        ow = names_attr(f["optimizer_weights"], "weight_names")
        check(ow and all(n in f["optimizer_weights"] for n in ow), f"{path}: optimizer weight datasets")
    mw = f["model_weights"]
    layer_names = names_attr(mw, "layer_names")
    layers = model_layers(mc)
    check(layer_names == [l["config"]["name"] for l in layers], f"{path}: layer_names {layer_names}")
    check(text(mw.attrs["backend"]) == "tensorflow" and "keras_version" in mw.attrs, f"{path}: model_weights attrs")
    check("top_level_model_weights" in mw, f"{path}: top_level_model_weights missing")
    values = {}
    for name in layer_names:
        check(name in mw, f"{path}: model_weights/{name} missing")
        wn = names_attr(mw[name], "weight_names")
        check(wn is not None, f"{path}: model_weights/{name} lacks weight_names")
        for w in wn:
            check(re.fullmatch(r"[^/]+/[A-Za-z_]+:0", w) is not None, f"{path}: weight name {w!r} is not Keras 2's <layer>/<weight>:0")
            check(w in mw[name], f"{path}: model_weights/{name}/{w} missing")
        values[name] = [np.array(mw[name][w]) for w in wn]
    return f, layers, values


# ------------------------------------------------------------------ cross-checks

def main():
    keras_path, h5_path, weights_path = sys.argv[1:4]
    legacy_weights_path = sys.argv[4] if len(sys.argv) > 4 else None
    config, k3, groups = check_keras_file(keras_path)
    w = h5py.File(weights_path, "r")
    check_keras3_weights(w, config, weights_path)
    for gpath in groups:
        for key in k3[gpath].keys():
            check(np.array_equal(np.array(k3[gpath][key]), np.array(w[gpath][key])), f"{weights_path}: {gpath}/{key} differs from the .keras file")
    legacy, layers, values = check_legacy_file(h5_path, config)
    # The same weights in both layouts: Keras 3 path order == Keras 2 layer order for plain layers.
    k3_layers = model_layers(config)
    used = {}
    for k3_layer, l2 in zip(k3_layers, layers):
        base = to_snake_case("Functional" if k3_layer["class_name"] == "Model" else k3_layer["class_name"])
        used[base] = used.get(base, -1) + 1
        path = f"layers/{base}" if used[base] == 0 else f"layers/{base}_{used[base]}"
        if is_model(k3_layer) or f"{path}/vars" not in k3:
            continue
        k3_values = [np.array(k3[f"{path}/vars"][str(i)]) for i in range(len(k3[f"{path}/vars"]))]
        legacy_values = values[l2["config"]["name"]]
        check(len(k3_values) == len(legacy_values) and all(np.array_equal(a, b) for a, b in zip(k3_values, legacy_values)),
              f"{h5_path}: weights of {l2['config']['name']} differ from {keras_path} {path}")
    if legacy_weights_path:
        lw = h5py.File(legacy_weights_path, "r")
        check(names_attr(lw, "layer_names") == names_attr(legacy["model_weights"], "layer_names"), f"{legacy_weights_path}: layer_names")
        for name in names_attr(lw, "layer_names"):
            for wname in names_attr(lw[name], "weight_names"):
                check(np.array_equal(np.array(lw[name][wname]), np.array(legacy["model_weights"][name][wname])), f"{legacy_weights_path}: {name}/{wname}")
    print(f"OK {checks} checks")


if __name__ == "__main__":
    main()
