"""The OpenAI-compatible HTTP API (`ecg-agent serve`, docs/API.md).

protocol: the wire format and the ecg_* extension fields; files: uploads and attached ECGs;
chat: a chat request to the agent's call; runner: worker threads with limits; middleware:
access log, keys, body limit; app: the routes; config: ServeConfig.
"""
