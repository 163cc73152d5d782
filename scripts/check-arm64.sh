#!/usr/bin/env bash
# Builds the native addon for Linux arm64 (aarch64) and runs the native backend's tests on it under
# qemu, with Debian's arm64 Node.js, so the kernels that ARM laptops and servers use (the NEON GEMM
# micro-kernel, portable C++ for the rest: no AVX) and the thread pool are checked on a weakly
# ordered CPU without one at hand.
#
# Needs Debian's packages g++-aarch64-linux-gnu and qemu-user-static, and the arm64 architecture
# added to apt (`dpkg --add-architecture arm64 && apt-get update`); the arm64 Node.js packages are
# downloaded into the work folder, not installed. Debian 12's arm64 Node.js is 18, so this checks
# the addon and the kernels, not lamina's Node 20 requirement. Takes about 20 minutes on 2 cores
# (qemu runs Node about 20x slower than the host). The default files are the native backend's
# tests (each kernel against the JS backend), notebook 001's ResNet trained in lockstep with
# PyTorch's fixture, and CosSim2D.
#
# CXX_ARM64 picks the compiler of the addon's sources: "clang++ --target=aarch64-linux-gnu" (Debian's
# clang package) compiles them as an Apple-silicon Mac's clang does, which vectorizes and selects
# differently from GCC (it made relu(-0) +0 until common.h's zeroIfNegative).
#
#   scripts/check-arm64.sh [test files (.ts), default: those above]    (WORK=/tmp/lamina-arm64, CXX_ARM64=aarch64-linux-gnu-g++)
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
work=${WORK:-/tmp/lamina-arm64}
for tool in aarch64-linux-gnu-g++ qemu-aarch64-static apt-get dpkg; do
  command -v "$tool" >/dev/null || { echo "check-arm64: $tool not found; apt-get install g++-aarch64-linux-gnu qemu-user-static" >&2; exit 2; }
done
dpkg --print-foreign-architectures | grep -qx arm64 || {
  echo "check-arm64: apt does not know arm64; run dpkg --add-architecture arm64 && apt-get update" >&2; exit 2; }

mkdir -p "$work/deb" "$work/sysroot" "$work/obj"

# 1. Debian's arm64 Node.js and the libraries it links, unpacked as a sysroot for qemu.
if [ ! -x "$work/sysroot/usr/bin/node" ]; then
  (cd "$work/deb" && apt-get download nodejs:arm64 libnode108:arm64 libuv1:arm64 libssl3:arm64 libicu72:arm64 \
    zlib1g:arm64 libbrotli1:arm64 libc-ares2:arm64 libnghttp2-14:arm64 libc6:arm64 libstdc++6:arm64 libgcc-s1:arm64 \
    node-acorn node-cjs-module-lexer node-undici)
  for d in "$work"/deb/*.deb; do dpkg -x "$d" "$work/sysroot"; done
fi

# 2. The addon, compiled as binding.gyp compiles it (same sources and flags; the AVX files have no
#    code off x86, the NEON file none off AArch64).
napi=$(cd "$root" && node -p "require('path').resolve(require('node-addon-api').include_dir)")
sources=$(grep -o 'native/[a-z0-9_]*\.cc' "$root/binding.gyp")
# The addon target's C++ flags and defines, read from binding.gyp so that the two cannot drift.
read -r -a flags <<< "$(cd "$root" && node -p 'const t = JSON.parse(require("fs").readFileSync("binding.gyp", "utf8")).targets
  .find((t) => t.target_name === "lamina"); [...t.cflags_cc, ...t.defines.map((d) => "-D" + d)].join(" ")')"
read -r -a cxx <<< "${CXX_ARM64:-aarch64-linux-gnu-g++}"
for f in $sources; do
  "${cxx[@]}" "${flags[@]}" -fPIC -I/usr/include/node -I"$napi" -c "$root/$f" -o "$work/obj/$(basename "$f" .cc).o"
done
rm -rf "$work/repo" && mkdir -p "$work/repo/build/Release"
aarch64-linux-gnu-g++ -shared -pthread -o "$work/repo/build/Release/lamina.node" "$work"/obj/*.o

# 3. The sources and their tests as JavaScript (tsx's esbuild has no arm64 binary here), copied
#    beside the TypeScript so that the paths the tests read (test/fixtures/...) stay the same.
(cd "$root" && git archive HEAD) | tar -x -C "$work/repo"
ln -s "$root/node_modules" "$work/repo/node_modules"
cat > "$work/repo/tsconfig.arm64.json" <<'EOF'
{ "extends": "./tsconfig.json",
  "compilerOptions": { "outDir": "out", "rootDir": ".", "noEmit": false, "declaration": false, "sourceMap": false },
  "include": ["src"] }
EOF
(cd "$work/repo" && "$root/node_modules/.bin/tsc" -p tsconfig.arm64.json && cp -r out/. . && rm -rf out)

# 4. Each test file in its own arm64 Node (not `node --test`, whose child processes qemu cannot start
#    without binfmt_misc; tests that start child processes fail for that reason alone).
if [ $# -gt 0 ]; then files=("$@"); else files=(src/backend/native/native.test.ts src/backend/native/native-math.test.ts src/backend/native/fused.test.ts
  src/backend/native/native_grouped.test.ts src/backend/native/conv_tapwise.test.ts src/models/resnet_lockstep.test.ts src/layers/cossim.test.ts); fi
status=0
cd "$work/repo"
for f in "${files[@]}"; do
  js=${f%.ts}.js
  echo "== $f (arm64)"
  qemu-aarch64-static -L "$work/sysroot" "$work/sysroot/usr/bin/node" -e 'console.log(process.arch)' | grep -qx arm64
  out=$(qemu-aarch64-static -L "$work/sysroot" "$work/sysroot/usr/bin/node" "$js" 2>&1) || true
  printf '%s\n' "$out" | grep -E '^(not )?ok |^# (pass|fail)' || true
  if ! printf '%s\n' "$out" | grep -q '^# pass'; then
    printf '%s\n' "$out" | tail -n 20
    status=1
    continue
  fi
  if printf '%s\n' "$out" | grep -q '^not ok'; then
    failed=$(printf '%s\n' "$out" | grep '^not ok' | grep -v -i 'child process' || true)
    [ -z "$failed" ] || status=1
  fi
done
exit $status
