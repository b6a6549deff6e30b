# JupyterHub configuration for training sessions (see deploy/README.md).
#
# Run as root:  jupyterhub -f /path/to/deploy/jupyterhub_config.py
#
# Every setting an administrator may want to change is read from an environment variable, with
# the default shown. Roles and cohorts are system groups (graders/hub/training.py explains them);
# deploy/cohort.py creates them.
import os
import sys
from pathlib import Path

c = get_config()  # noqa: F821


def setting(name, default):
    return os.environ.get(f"BDHVS_HUB_{name}", default)


ROOT = Path(setting("ROOT", "/srv/bdhvs"))  # courses/, exchange/ and the hub's own state
STATE = ROOT / "hub"
STATE.mkdir(mode=0o700, parents=True, exist_ok=True)
BIN = Path(sys.executable).parent  # the environment bdhvs is installed in

# Network: the public address, the hub's internal port, the proxy's API port, users' servers.
c.JupyterHub.bind_url = setting("BIND_URL", "http://:8000")
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = int(setting("INTERNAL_PORT", "8081"))
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{setting('PROXY_API_PORT', '8001')}"
# Users' servers listen on 127.0.0.1, each on its own port of this range (first-last), which
# must lie outside the kernel's ephemeral ports (/proc/sys/net/ipv4/ip_local_port_range).
c.TrainingSpawner.port_range = tuple(
    int(p) for p in setting("SERVER_PORTS", "20000-21999").split("-")
)
c.ConfigurableHTTPProxy.command = [setting("PROXY", "configurable-http-proxy")]
c.ConfigurableHTTPProxy.pid_file = str(STATE / "proxy.pid")

# The pages a learner sees before their server opens (login, start-up, a stopped server) speak
# Vietnamese: JupyterHub's templates with their words replaced.
c.JupyterHub.template_paths = [str(Path(__file__).resolve().parent / "hub-templates")]

c.JupyterHub.db_url = f"sqlite:///{STATE / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(STATE / "jupyterhub_cookie_secret")

# Who may log in: system accounts in some cohort group (bdhvs-<cohort>).
c.JupyterHub.authenticator_class = "graders.hub.training.TrainingAuthenticator"
c.Authenticator.admin_users = set(filter(None, setting("ADMINS", "").split(",")))

# Each user's server runs as their system account, in their cohort and role.
c.JupyterHub.spawner_class = "graders.hub.training.TrainingSpawner"
c.TrainingSpawner.hub_root = str(ROOT)
c.TrainingSpawner.role_config = str(Path(__file__).resolve().parent / "jupyter")
c.Spawner.cmd = [str(BIN / "jupyterhub-singleuser")]
# Fork each server from root's warm process, which has imported the server once (1), or start
# a fresh Python for each (0): see deploy/README.md, "Many logins at once".
c.TrainingSpawner.warm_start = setting("WARM_START", "1") == "1"
c.Spawner.environment = {"PATH": f"{BIN}:/usr/local/bin:/usr/bin:/bin"}
c.Spawner.start_timeout = int(setting("START_TIMEOUT", "60"))
c.Spawner.http_timeout = int(setting("START_TIMEOUT", "60"))
# An instructor teaching several cohorts starts one named server per cohort.
c.JupyterHub.allow_named_servers = True

# Per-user limits, enforced with setrlimit by TrainingSpawner.
c.Spawner.mem_limit = setting("MEM_LIMIT", "2G")  # address space of each process
c.TrainingSpawner.nproc_limit = int(setting("NPROC_LIMIT", "256"))
c.TrainingSpawner.nofile_limit = int(setting("NOFILE_LIMIT", "1024"))
c.TrainingSpawner.fsize_limit = int(setting("FSIZE_LIMIT", str(1 << 30)))

# Stop servers nobody used for a while (kernels and browser tabs count as use).
c.JupyterHub.services = [
    {
        "name": "idle-culler",
        "command": [
            sys.executable,
            "-m",
            "jupyterhub_idle_culler",
            f"--timeout={setting('CULL_TIMEOUT', '3600')}",
            f"--cull-every={setting('CULL_EVERY', '300')}",
            "--cull-named-servers=true",
        ],
    }
]
c.JupyterHub.load_roles = [
    {
        "name": "idle-culler",
        "scopes": ["list:users", "read:users:activity", "read:servers", "delete:servers"],
        "services": ["idle-culler"],
    }
]
