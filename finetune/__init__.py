"""The ECG language model: base loading, instruction data, LoRA training and export."""

import logging

# peft imports bitsandbytes, which on CPUs with AVX512-BF16 warns that its optional kernel package
# (fetched from a model hub) is absent; this project never downloads at run time, so it is noise.
logging.getLogger("bitsandbytes.backends.cpu.ops").setLevel(logging.ERROR)
