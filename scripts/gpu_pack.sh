#!/usr/bin/env bash
# Pack what the lent GPU needs to train the default LM adapter (run here; docs/GPU_TRAINING.md):
# the LUDB instruction data, the base GGUF compressed and split to fit the device tool's 64 MiB per
# call, its checksum and config, and the wheels the GPU image lacks. Prints the `run` calls to make.
set -euo pipefail
cd "$(git rev-parse --show-toplevel)"
PY=${PY:-.venv/bin/python}
LUDB=${LUDB:-../shared/data/ludb}
LIMIT=$((64 * 1024 * 1024))          # what one call may carry, working tree included
MARGIN=${MARGIN:-$((1024 * 1024))}   # room for files added to the tree between packing and the calls
WHEELS=${WHEELS:-"gguf peft"}        # gguf: transformers reads the GGUF base; peft: the version here

exclude=$(git rev-parse --git-path info/exclude)
mkdir -p "$(dirname "$exclude")"
for line in /.gpu/ /.whl/; do grep -qsxF "$line" "$exclude" || echo "$line" >>"$exclude"; done
mkdir -p .gpu

echo "== instruction data from $LUDB (held-out share 0.2, seed 0: as models/default/lm_adapter.md)"
rm -rf .gpu/build .gpu/data
"$PY" -m cli.train_lm --ludb "$LUDB" --out .gpu/build --data-only --held-out 0.2 --seed 0
mkdir .gpu/data
cp .gpu/build/data/{train.jsonl,test.jsonl,contexts.json} .gpu/data/

echo "== base model: compress and split the GGUF, keep its checksum and config"
gguf=$("$PY" -c 'from finetune.base_model import default_gguf_path; print(default_gguf_path())')
sum=$(sha256sum "$gguf" | cut -d' ' -f1)
if [ ! -s .gpu/base.gguf.xz ] || [ "$(cat .gpu/base.sha256 2>/dev/null)" != "$sum" ]; then
    xz -6 -T0 -c "$gguf" >.gpu/base.gguf.xz.tmp && mv .gpu/base.gguf.xz.tmp .gpu/base.gguf.xz   # ~1 min
fi
echo "$sum" >.gpu/base.sha256
converted=$("$PY" -c 'from finetune.base_model import converted_default_folder; print(converted_default_folder())')
cp "$converted/config.json" .gpu/base_config.json

echo "== wheels for Python 3.12 ($WHEELS, versions as in $PY)"
rm -rf .whl && mkdir .whl
for name in $WHEELS; do
    version=$("$PY" -c "import importlib.metadata as m; print(m.version('$name'))")
    "$PY" -m pip download -q --no-deps --only-binary=:all: --python-version 3.12 --implementation cp \
        --platform manylinux_2_28_x86_64 --platform manylinux_2_17_x86_64 --platform manylinux2014_x86_64 \
        -d .whl "$name==$version"
done

# Sizes in bytes: the tree that travels with every call (tracked and untracked-not-ignored files).
tree=$(git ls-files -z -co --exclude-standard | "$PY" -c '
import os, sys
print(sum(os.path.getsize(p) for p in sys.stdin.read().split("\0") if os.path.isfile(p) and not os.path.islink(p)))')
size() { du -cb "$@" | tail -1 | cut -f1; }
last_carry=(.gpu/base.sha256 .gpu/base_config.json .gpu/data .whl)
extras=$(size "${last_carry[@]}")
packed=$(size .gpu/base.gguf.xz)
room=$((LIMIT - MARGIN - tree))
calls=$(((packed + extras + room - 1) / room))
rm -f .gpu/base.gguf.xz.[0-9]*
split -b $(((packed + extras + calls - 1) / calls)) -a 1 --numeric-suffixes=1 .gpu/base.gguf.xz .gpu/base.gguf.xz.
calls=$(ls .gpu/base.gguf.xz.[0-9] | wc -l)

mib() { awk -v b="$1" 'BEGIN { printf "%.1f MiB", b / 1048576 }'; }
print_call() {  # print_call TITLE TIMEOUT COMMAND CARRY...: one `run` call, its size checked
    local title=$1 timeout=$2 command=$3 carried total
    shift 3
    carried=$(size "$@")
    total=$((tree + carried))
    echo
    echo "$title: tree $(mib "$tree") + carry $(mib "$carried") = $(mib "$total") (limit 64 MiB)"
    "$PY" -c 'import json, sys; print(json.dumps({"carry": sys.argv[3:], "command": sys.argv[2],
          "timeout_s": int(sys.argv[1])}))' "$timeout" "$command" "$@"
    if [ "$total" -gt "$LIMIT" ]; then echo "too large: carry less or shrink the tree" >&2; exit 1; fi
}
echo
echo "== the calls, made one right after the other (the machine stays warm 30 s after each):"
for ((i = 1; i < calls; i++)); do
    print_call "call $i of $calls" 120 "nvidia-smi -L; ls -l .gpu" ".gpu/base.gguf.xz.$i"
done
print_call "call $calls of $calls" 600 "bash scripts/gpu_train.sh" ".gpu/base.gguf.xz.$calls" "${last_carry[@]}"
print_call "if only one call is possible (throughput with random weights, no training)" 300 \
    "bash scripts/gpu_train.sh" .gpu/base_config.json .whl
