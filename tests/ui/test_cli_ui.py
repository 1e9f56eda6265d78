from pathlib import Path

from cli.main import build_parser
from cli.ui import streamlit_command, streamlit_env
from ui.settings import agent_settings, data_folder


def test_ecg_agent_ui_runs_the_app_with_its_settings_in_the_environment(tmp_path):
    args = build_parser().parse_args(["ui", "--port", "8600", "--no-llm", "--no-retrieval", "--data", str(tmp_path)])
    command = streamlit_command(args)
    app = Path(command[command.index("run") + 1])
    assert app.name == "app.py" and app.is_file() and app.parent.name == "ui"
    assert command[command.index("--server.port") + 1] == "8600"
    assert command[command.index("--server.headless") + 1] == "true"
    env = streamlit_env(args)
    settings = agent_settings(env)
    assert not settings.use_llm and not settings.retrieval and settings.ecg_tokens
    assert data_folder(env) == tmp_path.resolve()
