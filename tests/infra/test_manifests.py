"""infra/ checked with the tools that will read it: Compose itself and the Compose spec, Kubernetes' own schemas
(kubernetes-validate --strict), Prefect's work-pool validation and templating, and Docker's .dockerignore rules.

No Docker engine or cluster is needed: images are not built and nothing is deployed here. `.ci/run` installs
docker-compose and sets SEAMLINE_REQUIRE_COMPOSE=1, so in CI a missing Compose fails instead of skipping.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shlex
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from needs import missing

ROOT = Path(__file__).resolve().parents[2]
INFRA = ROOT / "infra"
COMPOSE_FILE = INFRA / "docker-compose.yml"
ENV_EXAMPLE = INFRA / ".env.example"
K8S = INFRA / "k8s"
POOLS = {"cpu": K8S / "cpu-pool.json", "gpu": K8S / "gpu-pool.json"}
PLAIN_MANIFESTS = [K8S / "review-app.yaml", K8S / "seamline-config.yaml"]
DOCKERFILES = [INFRA / "Dockerfile", INFRA / "Dockerfile.cuda"]

SERVICES = {
    "postgres", "minio", "minio-init", "prefect-server", "seamline-migrate", "prefect-bootstrap",
    "worker-cpu", "worker-gpu", "review",
}  # fmt: skip
ONE_SHOTS = {"minio-init", "seamline-migrate", "prefect-bootstrap"}
WORKDIR = "/opt/seamline"  # where the images keep the code and the deployments record as working directory


def _tool(name: str) -> str:
    """A console script of this virtual environment (check-jsonschema, kubernetes-validate), else from PATH."""
    here = Path(sys.executable).parent / name
    found = str(here) if here.exists() else shutil.which(name)
    if found is None:
        pytest.fail(f"{name} is not installed (it is a test dependency: pip install -e '.[test]')")
    return found


def _run(cmd: list[str], **kwargs: Any) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120, cwd=ROOT, **kwargs)


# ---------------------------------------------------------------------------------------------------- Compose


@pytest.fixture(scope="module")
def compose_model() -> dict[str, Any]:
    """The compose file as YAML (anchors and merge keys resolved, variables not interpolated)."""
    return yaml.safe_load(COMPOSE_FILE.read_text())


@pytest.fixture(scope="module")
def compose_cmd() -> list[str]:
    """`docker compose` where the plugin works, else Debian's docker-compose; neither: skip (fail in CI)."""
    if shutil.which("docker") and _run(["docker", "compose", "version"]).returncode == 0:
        return ["docker", "compose"]
    if shutil.which("docker-compose"):
        return ["docker-compose"]
    missing("SEAMLINE_REQUIRE_COMPOSE", "no Compose implementation is installed (apt-get install docker-compose)")


def _env_example() -> dict[str, str]:
    """KEY -> value of infra/.env.example (values as written, quotes kept)."""
    pairs = {}
    for line in ENV_EXAMPLE.read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            key, sep, value = line.partition("=")
            assert sep, f"infra/.env.example: not KEY=VALUE: {line!r}"
            pairs[key.strip()] = value
    return pairs


@pytest.fixture(scope="module")
def filled_env(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """infra/.env.example with every empty value (the secrets) filled, as the operator does."""
    lines = []
    for key, value in _env_example().items():
        lines.append(f"{key}={value or secrets.token_hex(16)}")
    path = tmp_path_factory.mktemp("env") / "filled.env"
    path.write_text("\n".join(lines) + "\n")
    return path


@pytest.fixture(scope="module")
def resolved_compose(compose_cmd: list[str], filled_env: Path) -> dict[str, Any]:
    """The model Compose itself resolves from the file and the filled env file, every GPU worker's profile on."""
    cmd = [*compose_cmd, "-f", str(COMPOSE_FILE), "--env-file", str(filled_env), "--profile", "gpus-4", "config"]
    result = _run(cmd)
    assert result.returncode == 0, result.stderr
    return yaml.safe_load(result.stdout)


def test_compose_file_fits_the_compose_spec() -> None:
    result = _run([_tool("check-jsonschema"), "--builtin-schema", "vendor.compose-spec", str(COMPOSE_FILE)])
    assert result.returncode == 0, result.stdout + result.stderr


def test_compose_config_accepts_the_filled_env(compose_cmd: list[str], filled_env: Path) -> None:
    result = _run([*compose_cmd, "-f", str(COMPOSE_FILE), "--env-file", str(filled_env), "config", "-q"])
    assert result.returncode == 0, result.stderr


def test_compose_refuses_to_start_with_a_secret_left_empty(compose_cmd: list[str]) -> None:
    """The example as shipped has empty secrets: Compose must stop and name one, not start with blanks."""
    empty = {key for key, value in _env_example().items() if not value}
    assert {"POSTGRES_PASSWORD", "SEAMLINE_SECRET_KEY", "AWS_SECRET_ACCESS_KEY"} <= empty
    result = _run([*compose_cmd, "-f", str(COMPOSE_FILE), "--env-file", str(ENV_EXAMPLE), "config", "-q"])
    assert result.returncode != 0
    named = [key for key in empty if f"set {key} in infra/.env" in result.stderr]
    assert named, result.stderr


# Compose v1 ends `${VAR:-default}` at the first "}", so a default or message holding a brace is cut short
# (and `${X:-{}}` with X set yields X's value plus a stray "}"): no braces inside, and required or defaulted only.
_VARIABLE = re.compile(r"\$\{([^}]*)\}")
_NAME = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])(.*))?$", re.S)


def test_every_compose_variable_is_documented_or_defaulted() -> None:
    text = COMPOSE_FILE.read_text()
    example = _env_example()
    secrets_ = {key for key, value in example.items() if not value}  # the values the operator must fill
    for inner in _VARIABLE.findall(text.replace("$$", "")):
        match = _NAME.match(inner)
        assert match, f"not a simple ${{VAR}} form: ${{{inner}}}"
        name, op, rest = match.groups()
        assert "{" not in (rest or ""), f"${{{inner}}}: a brace inside breaks Compose v1's parser"
        if op is None or "?" in op:  # no default: the operator has to know about it
            assert name in example, f"${{{name}}} is used by the compose file but missing from infra/.env.example"
        if name in secrets_:  # left empty, it must stop Compose, not start a service with a blank secret
            assert op == ":?", f"${{{inner}}}: use ${{{name}:?message}}"


def test_compose_has_every_service_and_their_wiring(compose_model: dict[str, Any]) -> None:
    services = compose_model["services"]
    assert set(services) >= SERVICES

    # Start-up order: a one-shot must have completed, a server must be healthy (and so needs a healthcheck).
    for name, service in services.items():
        for dep, spec in (service.get("depends_on") or {}).items():
            assert dep in services, f"{name} depends on unknown {dep}"
            want = "service_completed_successfully" if dep in ONE_SHOTS else "service_healthy"
            assert spec.get("condition") == want, f"{name} -> {dep}: condition should be {want}"
            if want == "service_healthy":
                assert "healthcheck" in services[dep], f"{dep} is waited on as healthy but has no healthcheck"
    for worker in ("worker-cpu", "worker-gpu"):
        assert set(services[worker]["depends_on"]) >= ONE_SHOTS
    for one_shot in ONE_SHOTS:
        assert services[one_shot].get("restart") == "no"

    # Workers: Prefect process workers on the contract's pools.
    for worker, pool in (("worker-cpu", "cpu"), ("worker-gpu", "gpu")):
        command = services[worker]["command"]
        assert command[:3] == ["prefect", "worker", "start"]
        assert command[command.index("--pool") + 1] == pool and command[command.index("--type") + 1] == "process"

    # GPU workers: CUDA image, generation on cuda, each its own NVIDIA device; worker-gpu always on, and with
    # the profile gpus-N exactly N of them, on GPUs 0 to N-1.
    gpu_workers = {name: s for name, s in services.items() if name.startswith("worker-gpu")}
    for name, gpu in gpu_workers.items():
        assert gpu["build"]["dockerfile"] == "infra/Dockerfile.cuda", name
        assert gpu["command"][gpu["command"].index("--pool") + 1] == "gpu", name
        assert gpu["environment"]["SEAMLINE_DEVICE"] == "cuda", name
        (device,) = gpu["deploy"]["resources"]["reservations"]["devices"]
        assert device["driver"] == "nvidia" and "gpu" in device["capabilities"], name
    assert "profiles" not in gpu_workers["worker-gpu"]
    for n in (1, 2, 3, 4):
        active = [s for s in gpu_workers.values() if "profiles" not in s or f"gpus-{n}" in s["profiles"]]
        ids = sorted(i for s in active for i in s["deploy"]["resources"]["reservations"]["devices"][0]["device_ids"])
        assert ids == [str(i) for i in range(n)], f"profile gpus-{n}: GPU workers on devices {ids}"

    # The settings the contract names, shared through x-seamline-env.
    env = services["worker-cpu"]["environment"]
    assert env["SEAMLINE_GENERATE_DEPLOYMENT"] == "generate-drafts/generate-drafts"
    assert env["SEAMLINE_GPU_LIMIT"] == "gpu-generation"
    assert env["PREFECT_API_URL"] == "http://prefect-server:4200/api"
    assert env["SEAMLINE_DATABASE_URL"].startswith("postgresql+psycopg://seamline:")
    assert env["SEAMLINE_STORE_URL"].endswith("s3://seamline/store}")
    for name in ("seamline-migrate", "prefect-bootstrap", "worker-gpu", "review"):
        assert services[name]["environment"]["SEAMLINE_DATABASE_URL"] == env["SEAMLINE_DATABASE_URL"]

    server = services["prefect-server"]
    assert server["image"].endswith("prefecthq/prefect:3-python3.12}")
    assert server["environment"]["PREFECT_API_DATABASE_CONNECTION_URL"].startswith("postgresql+asyncpg://prefect:")
    assert server["environment"]["PREFECT_SERVER_ANALYTICS_ENABLED"] == "false"
    assert "/api/health" in " ".join(server["healthcheck"]["test"])

    assert services["seamline-migrate"]["command"] == ["seamline", "db", "upgrade"]
    review = services["review"]["command"]
    assert review[:3] == ["seamline", "review", "serve"] and review[review.index("--port") + 1] == "8088"

    # The bootstrap runs the lead's script inside the image, from the folder the deployments record.
    bootstrap = services["prefect-bootstrap"]
    assert bootstrap["command"] == ["bash", "infra/bootstrap.sh"] and bootstrap["working_dir"] == WORKDIR
    assert bootstrap["environment"]["SEAMLINE_POOL_TYPE"] == "process"
    assert "SEAMLINE_GPU_COUNT" in bootstrap["environment"]


def test_infra_agrees_with_the_deployments_and_the_bootstrap() -> None:
    """infra/prefect.yaml and infra/bootstrap.sh (the deployments' side of the contract) name what these files
    provide: the pools, the generation deployment, the pool templates; the images carry both files."""
    deployments = {d["name"]: d for d in yaml.safe_load((INFRA / "prefect.yaml").read_text())["deployments"]}
    assert set(deployments) >= {"design-sprint", "generate-drafts", "production-handoff"}
    assert {d["work_pool"]["name"] for d in deployments.values()} <= set(POOLS)
    assert deployments["generate-drafts"]["work_pool"]["name"] == "gpu"
    bootstrap = (INFRA / "bootstrap.sh").read_text()
    assert "infra/k8s/$pool-pool.json" in bootstrap and "gpu-generation" in bootstrap
    context = _context_files(ROOT)
    assert {"infra/bootstrap.sh", "infra/prefect.yaml", "infra/k8s/cpu-pool.json", "infra/k8s/gpu-pool.json"} <= context


def test_compose_builds_and_mounts_only_files_that_exist(compose_model: dict[str, Any]) -> None:
    for name, service in compose_model["services"].items():
        build = service.get("build")
        if build:
            context = (INFRA / build["context"]).resolve()
            assert context.is_dir(), f"{name}: build context {context} is missing"
            assert (context / build["dockerfile"]).is_file(), f"{name}: {build['dockerfile']} is missing"
        for volume in service.get("volumes", []):
            source = volume.split(":")[0] if isinstance(volume, str) else volume.get("source", "")
            if source.startswith("."):  # a file of this repository, relative to infra/
                assert (INFRA / source).resolve().exists(), f"{name}: {source} is missing"
    init = INFRA / "postgres" / "init.sh"
    assert init.is_file() and os.access(init, os.X_OK)


def test_compose_resolves_to_settings_seamline_accepts(
    resolved_compose: dict[str, Any], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """After Compose's own interpolation, each Seamline container's environment loads as Seamline's Settings."""
    from design_ai.config import Settings

    monkeypatch.chdir(tmp_path)  # no seamline.toml
    for name in ("seamline-migrate", "prefect-bootstrap", "worker-cpu", "worker-gpu", "worker-gpu-3", "review"):
        env = resolved_compose["services"][name]["environment"]
        assert not [k for k, v in env.items() if "${" in str(v)], f"{name}: uninterpolated values"
        with monkeypatch.context() as m:
            for key in [k for k in os.environ if k.startswith("SEAMLINE_")]:
                m.delenv(key)
            for key, value in env.items():
                m.setenv(key, str(value))
            settings = Settings()
        assert settings.resolved_database_url.startswith("postgresql+psycopg://seamline:")
        assert isinstance(settings.controlnet_models, dict) and settings.controlnet_models
        assert settings.secret_key and len(settings.secret_key) >= 16
        assert settings.device == ("cuda" if name.startswith("worker-gpu") else "cpu")


# ------------------------------------------------------------------------------------------------- Kubernetes

# job_configuration keys of Prefect's default Kubernetes template (`prefect work-pool
# get-default-base-job-template --type kubernetes`, prefect-kubernetes 0.8.0): the worker reads each of them.
K8S_JOB_CONFIGURATION_KEYS = {
    "command", "env", "labels", "name", "annotations", "namespace", "job_manifest", "cluster_config",
    "job_watch_timeout_seconds", "pod_watch_timeout_seconds", "stream_output",
}  # fmt: skip


def _pool(kind: str) -> dict[str, Any]:
    return json.loads(POOLS[kind].read_text())


def _placeholders(template: Any) -> set[str]:
    from prefect.utilities.templating import find_placeholders

    return {p.name for p in find_placeholders(template)}


def _render_job(kind: str) -> dict[str, Any]:
    """The Job a Kubernetes worker creates from the pool's defaults: Prefect's own templating, then the few
    steps prefect-kubernetes' KubernetesWorkerJobConfiguration.prepare_for_flow_run adds (env as a list, the
    flow-run command, a name)."""
    from prefect.utilities.templating import apply_values
    from prefect.workers.base import BaseJobConfiguration

    template = _pool(kind)
    values = BaseJobConfiguration._get_base_config_defaults(template["variables"]["properties"])
    config = apply_values(template["job_configuration"], values)
    job = config["job_manifest"]
    container = job["spec"]["template"]["spec"]["containers"][0]
    env = container.get("env", {})
    container["env"] = [{"name": k, "value": v} for k, v in env.items()] if isinstance(env, dict) else env
    container.setdefault("args", ["prefect", "flow-run", "execute"])
    # The worker sets generateName; kubernetes-validate needs a name to report on.
    job["metadata"]["name"] = f"seamline-{kind}-flow-run"
    return job


@pytest.mark.parametrize("kind", ["cpu", "gpu"])
def test_pool_template_is_a_valid_prefect_kubernetes_template(kind: str) -> None:
    from prefect.server.schemas.actions import WorkPoolCreate
    from prefect.utilities.schema_tools.validation import validate
    from prefect.workers.base import BaseJobConfiguration

    template = _pool(kind)
    # What the Prefect server itself checks when the bootstrap creates the pool.
    WorkPoolCreate(name=kind, type="kubernetes", base_job_template=template)
    config, variables = template["job_configuration"], template["variables"]
    declared = set(variables["properties"])
    assert _placeholders(config) <= declared, f"undeclared: {_placeholders(config) - declared}"
    assert set(config) >= K8S_JOB_CONFIGURATION_KEYS
    # The defaults fit the variables' own schema (as the server validates a deployment's job variables).
    defaults = BaseJobConfiguration._get_base_config_defaults(variables["properties"])
    validate(defaults, variables, raise_on_error=True, preprocess=True, ignore_required=True)

    # prefect-kubernetes refuses a manifest without these (KubernetesWorkerJobConfiguration._validate_job_manifest).
    job = config["job_manifest"]
    assert (job["apiVersion"], job["kind"]) == ("batch/v1", "Job")
    pod = job["spec"]["template"]["spec"]
    assert pod["restartPolicy"] == "Never" and pod["parallelism"] == 1 and pod["completions"] == 1
    container = pod["containers"][0]
    assert container["name"] == "prefect-job" and container["image"] == "{{ image }}"
    assert container["workingDir"] == WORKDIR
    assert {ref["configMapRef"]["name"] for ref in container["envFrom"] if "configMapRef" in ref} == {
        "{{ config_map_name }}"
    }
    assert defaults["config_map_name"] == "seamline-config" and defaults["secret_name"] == "seamline-secrets"
    assert pod["nodeSelector"] == "{{ node_selector }}" and pod["tolerations"] == "{{ tolerations }}"
    for key in ("cpu", "memory"):
        assert defaults[f"{key}_request"] and defaults[f"{key}_limit"]
    assert defaults["env"]["SEAMLINE_DEVICE"] == ("cuda" if kind == "gpu" else "cpu")

    limits = container["resources"]["limits"]
    if kind == "gpu":
        assert limits["nvidia.com/gpu"] == "{{ gpu_count }}" and defaults["gpu_count"] == 1
        assert {"key": "nvidia.com/gpu", "operator": "Exists", "effect": "NoSchedule"} in defaults["tolerations"]
        assert "seamline-cuda" in defaults["image"]
    else:
        assert "nvidia.com/gpu" not in limits
        assert "cuda" not in defaults["image"]


def test_kubernetes_manifests_fit_kubernetes_schemas(tmp_path: Path) -> None:
    """The plain manifests and the Job each pool renders, against Kubernetes' schemas, unknown fields refused."""
    files = list(PLAIN_MANIFESTS)
    for kind in POOLS:
        job = _render_job(kind)
        pod = job["spec"]["template"]["spec"]
        # Prefect's worker insists on parallelism/completions inside the pod spec (its default template puts
        # them there); they are Job fields, so the API server drops them with a warning. Everything else must fit.
        assert pod.pop("parallelism") == 1 and pod.pop("completions") == 1
        path = tmp_path / f"{kind}-job.json"
        path.write_text(json.dumps(job))
        files.append(path)
    result = _run([_tool("kubernetes-validate"), "--strict", *map(str, files)])
    assert result.returncode == 0, result.stdout + result.stderr
    for path in files:
        assert f"INFO {path} passed" in result.stdout or f"INFO {path.relative_to(ROOT)} passed" in result.stdout, (
            result.stdout
        )


def test_rendered_gpu_job_asks_for_a_gpu_node() -> None:
    job = _render_job("gpu")
    pod = job["spec"]["template"]["spec"]
    assert pod["containers"][0]["resources"]["limits"]["nvidia.com/gpu"] == 1
    assert pod["nodeSelector"] and pod["tolerations"][0]["key"] == "nvidia.com/gpu"
    assert pod["securityContext"]["runAsNonRoot"] is True
    assert "runtimeClassName" not in pod  # its default is none: the placeholder leaves no empty field behind


def test_secret_example_holds_only_marked_placeholders() -> None:
    docs = [d for d in yaml.safe_load_all((K8S / "seamline-config.yaml").read_text()) if d]
    secret = next(d for d in docs if d["kind"] == "Secret")
    assert secret["stringData"] and all("CHANGE-ME" in v for v in secret["stringData"].values())
    config = next(d for d in docs if d["kind"] == "ConfigMap")["data"]
    assert config["SEAMLINE_GENERATE_DEPLOYMENT"] == "generate-drafts/generate-drafts"
    assert config["SEAMLINE_GPU_LIMIT"] == "gpu-generation"
    assert isinstance(json.loads(config["SEAMLINE_CONTROLNET_MODELS"]), dict)


def test_helm_values_name_the_contract() -> None:
    server = yaml.safe_load((K8S / "prefect-server-values.yaml").read_text())
    assert server["postgresql"]["enabled"] is False and server["secret"]["create"] is False
    assert server["fullnameOverride"] == "prefect-server"
    worker = yaml.safe_load((K8S / "prefect-worker-values.yaml").read_text())["worker"]
    assert worker["config"]["type"] == "kubernetes"
    assert worker["selfHostedServerApiConfig"]["apiUrl"].startswith("http://prefect-server.")


# ------------------------------------------------------------------------------------------------- Dockerfiles


def _instructions(dockerfile: Path) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) with continuation lines joined and comments dropped."""
    out: list[tuple[str, str]] = []
    pending = ""
    for raw in dockerfile.read_text().splitlines():
        line = raw.strip()
        if not pending and (not line or line.startswith("#")):
            continue
        if line.startswith("#"):  # a comment inside a continued instruction
            continue
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        full = pending + line
        pending = ""
        word, _, rest = full.partition(" ")
        out.append((word.upper(), rest.strip()))
    return out


def _dockerignore_patterns(root: Path) -> list[str]:
    # As docker-py's build() reads .dockerignore.
    lines = [line.strip() for line in (root / ".dockerignore").read_text().splitlines()]
    return [line for line in lines if line and not line.startswith("#")]


def _context_files(root: Path) -> set[str]:
    from docker.utils.build import exclude_paths  # docker-py (a dependency of prefect)

    return set(exclude_paths(str(root), _dockerignore_patterns(root)))


def _pins(text: str) -> dict[str, str]:
    return dict(re.findall(r"\b(torch|torchvision)==([0-9][0-9A-Za-z.+]*)", text))


@pytest.mark.parametrize("dockerfile", DOCKERFILES, ids=lambda p: p.name)
def test_dockerfile_copies_what_exists_in_the_build_context(dockerfile: Path) -> None:
    context = _context_files(ROOT)
    instructions = _instructions(dockerfile)
    copies = [args for word, args in instructions if word in ("COPY", "ADD")]
    assert copies
    for args in copies:
        parts = json.loads(args) if args.startswith("[") else shlex.split(args)
        sources = [p for p in parts[:-1] if not p.startswith("--")]
        assert sources, args
        for source in sources:
            path = source.rstrip("/")
            assert (ROOT / path).exists(), f"{dockerfile.name}: COPY {source}: no such file"
            assert path in context, f"{dockerfile.name}: COPY {source}: excluded by .dockerignore"
    words = [word for word, _ in instructions]
    assert "ENTRYPOINT" not in words  # a Kubernetes work pool passes the flow-run command as args
    assert [args for word, args in instructions if word == "WORKDIR"][-1] == WORKDIR
    user = [args for word, args in instructions if word == "USER"]
    assert user and user[-1] not in ("root", "0")


@pytest.mark.parametrize("dockerfile", DOCKERFILES, ids=lambda p: p.name)
def test_dockerfile_installs_the_torch_of_the_setup_script(dockerfile: Path) -> None:
    setup = _pins((INFRA / "setup.sh").read_text())
    assert set(setup) == {"torch", "torchvision"}
    runs = " ".join(args for word, args in _instructions(dockerfile) if word == "RUN")
    assert _pins(runs) == setup
    # torch first, then the project: its dependency ranges must not pull another torch.
    assert runs.index("torch==") < runs.index("requirements.txt") < runs.index("pip install --no-deps -e .")


def test_dockerignore_keeps_secrets_and_the_venv_out(tmp_path: Path) -> None:
    for name in (".venv/bin/python", ".seamline/seamline.db", ".git/HEAD", "infra/.env", "infra/Dockerfile",
                 "design_ai/__init__.py", "tests/pg.py", "design_ai/__pycache__/x.pyc"):  # fmt: skip
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x")
    shutil.copy(ROOT / ".dockerignore", tmp_path / ".dockerignore")
    files = {p for p in _context_files(tmp_path) if (tmp_path / p).is_file()}
    assert files == {"infra/Dockerfile", "design_ai/__init__.py", ".dockerignore"}, files


# ------------------------------------------------------------------------------------------------- PostgreSQL


@pytest.mark.postgres
def test_postgres_init_script_makes_both_databases(pg_server: Any) -> None:
    """infra/postgres/init.sh on a real server as the postgres image runs it; Seamline's migrations then run as
    the `seamline` role it made, and that role cannot reach Prefect's database."""
    import psycopg

    env = dict(
        os.environ, PGHOST="127.0.0.1", PGPORT=str(pg_server.port), POSTGRES_USER=pg_server.user,
        POSTGRES_DB="postgres", PREFECT_DB_PASSWORD="it's-a \"test\"", SEAMLINE_DB_PASSWORD="s3cr3t",
    )  # fmt: skip
    result = _run(["bash", str(INFRA / "postgres" / "init.sh")], env=env)
    assert result.returncode == 0, result.stderr
    dsn = f"host=127.0.0.1 port={pg_server.port} user={pg_server.user} dbname=postgres"
    with psycopg.connect(dsn) as conn:
        owners = dict(
            conn.execute(
                "SELECT datname, pg_get_userbyid(datdba) FROM pg_database WHERE datname IN ('prefect', 'seamline')"
            ).fetchall()
        )
    assert owners == {"prefect": "prefect", "seamline": "seamline"}
    with psycopg.connect(f"host=127.0.0.1 port={pg_server.port} user=prefect dbname=prefect") as conn:
        assert conn.execute("SELECT extname FROM pg_extension WHERE extname = 'pg_trgm'").fetchone()
    with pytest.raises(psycopg.OperationalError, match="permission denied"):
        psycopg.connect(f"host=127.0.0.1 port={pg_server.port} user=seamline dbname=prefect").close()

    url = f"postgresql+psycopg://seamline:s3cr3t@127.0.0.1:{pg_server.port}/seamline"
    upgrade = _run([str(Path(sys.executable).parent / "seamline"), "db", "upgrade"],
                   env={**os.environ, "SEAMLINE_DATABASE_URL": url})  # fmt: skip
    assert upgrade.returncode == 0, upgrade.stderr
