"""The set-up: pinned environments, the CPU build of torch by default, the hosted workflows,
and what a release says about itself (CITATION.cff, CHANGELOG.md).

The torch selection of scripts/install_torch.sh is checked offline, against two made-up package
indexes in a temporary folder: a "PyPI" whose torch is the default (CUDA) build and a "CPU
index" with the +cpu build, with the machine's pip configuration switched off — what a machine
that reaches only the public indexes sees.
"""

from __future__ import annotations

import importlib.metadata as metadata
import json
import os
import re
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
import yaml
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

from conftest import ROOT

LOCK = ROOT / "requirements.lock"
WORKFLOWS = ROOT / ".github" / "workflows"


def pins(path: Path) -> dict[str, Version]:
    out = {}
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        assert not line.startswith("-"), f"{path.name}: no pip options in a lock file: {line!r}"
        req = Requirement(line)
        specs = list(req.specifier)
        assert len(specs) == 1 and specs[0].operator == "==", f"{path.name}: {line!r} is not pinned with =="
        out[canonicalize_name(req.name)] = Version(specs[0].version)
    return out


# --------------------------------------------------------------------------------------
# requirements.lock


def test_lock_pins_the_direct_requirements_and_the_cpu_torch():
    direct, lock = pins(ROOT / "requirements.txt"), pins(LOCK)
    for name, version in direct.items():
        assert name in lock, f"requirements.lock lacks {name}: run bash scripts/lock_requirements.sh"
        assert lock[name].public == version.public, (
            f"{name}: requirements.txt pins {version}, requirements.lock {lock[name]}: run bash scripts/lock_requirements.sh"
        )
    assert lock["torch"].local == "cpu"
    cuda = sorted(n for n in lock if n.startswith(("nvidia-", "triton", "cuda-")))
    assert not cuda, f"requirements.lock has CUDA packages: {cuda}"
    for theme in ("sphinx-book-theme", "pydata-sphinx-theme", "sphinx"):
        assert theme in lock, f"requirements.lock does not pin {theme}"


def test_the_environment_is_the_lock():
    """Every distribution in .venv (bar relulab and the installers) is in the lock at that version,
    and the lock has nothing that is not installed: setup.sh installs the lock, nothing else."""
    lock = pins(LOCK)
    # Only what is installed in the environment's site-packages: once setuptools is imported (by
    # any test), it puts its own setuptools/_vendor folder on sys.path, and the packages vendored
    # there (jaraco-*, zipp, ...) would show up as distributions though nothing installed them.
    import sysconfig

    site = {Path(sysconfig.get_paths()[key]).resolve() for key in ("purelib", "platlib")}
    installed = {
        canonicalize_name(d.metadata["Name"]): Version(d.version)
        for d in metadata.distributions()
        if Path(str(d.locate_file(""))).resolve() in site
    }
    ignored = {"relulab", "pip", "setuptools", "wheel"}
    extra = {n: str(v) for n, v in installed.items() if n not in ignored and lock.get(n) != v}
    assert not extra, f"installed but not (at that version) in requirements.lock: {extra}"
    missing = sorted(n for n in lock if n not in installed and n not in ignored)
    assert not missing, f"in requirements.lock but not installed: {missing}"


def test_setup_installs_torch_apart_then_the_lock():
    setup = (ROOT / "scripts" / "setup.sh").read_text(encoding="utf-8")
    commands = [line.strip() for line in setup.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    torch_step = commands.index("bash scripts/install_torch.sh .venv/bin/python")
    lock_step = next(i for i, c in enumerate(commands) if "requirements.lock" in c)
    assert torch_step < lock_step
    assert not any("torch==" in c and "pip install" in c for c in commands), "torch is installed by install_torch.sh only"
    assert not any(re.search(r"pip install .*-r requirements\.txt", c) for c in commands), "setup installs the lock"


# --------------------------------------------------------------------------------------
# scripts/install_torch.sh: which torch, from where


def _fake_wheel(folder: Path, version: str, requires: list[str], name: str = "torch") -> Path:
    """A tiny wheel of that name and version: enough for pip to resolve and report it."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}-{version}-py3-none-any.whl"
    info = f"{name}-{version}.dist-info"
    meta = f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n" + "".join(f"Requires-Dist: {r}\n" for r in requires)
    with zipfile.ZipFile(path, "w") as z:
        z.writestr(f"{name}/__init__.py", "")
        z.writestr(f"{info}/METADATA", meta)
        z.writestr(f"{info}/WHEEL", "Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\nTag: py3-none-any\n")
        z.writestr(f"{info}/RECORD", "")
    # A PEP 503 project page, as an index serves it
    links = "".join(f'<a href="{w.name}">{w.name}</a>\n' for w in sorted(folder.glob("*.whl")))
    (folder / "index.html").write_text(f"<!DOCTYPE html><html><body>\n{links}</body></html>\n")
    return path


def _torch_version() -> str:
    return str(pins(LOCK)["torch"].public)


def _public_machine(tmp_path: Path, **extra: str) -> dict[str, str]:
    """An environment where pip sees only a made-up PyPI (default build of torch, with a CUDA
    dependency) and a made-up CPU index: no local configuration, no local wheels."""
    version = _torch_version()
    _fake_wheel(tmp_path / "pypi" / "torch", version, ["nvidia-cublas-cu12==12.9.1.4"])
    _fake_wheel(tmp_path / "pypi" / "nvidia-cublas-cu12", "12.9.1.4", [], name="nvidia_cublas_cu12")
    _fake_wheel(tmp_path / "cpu" / "torch", f"{version}+cpu", [])
    env = {k: v for k, v in os.environ.items() if not k.startswith("PIP_")}
    env.update(
        PIP_CONFIG_FILE=os.devnull,
        PIP_INDEX_URL=(tmp_path / "pypi").as_uri(),
        PIP_DISABLE_PIP_VERSION_CHECK="1",
        RELULAB_TORCH_INDEX=(tmp_path / "cpu").as_uri(),
    )
    env.update(extra)
    return env


def _install_torch(env: dict[str, str], report: Path) -> tuple[dict, str, list[str]]:
    """What install_torch.sh would install (pip --dry-run: this environment is not touched):
    the torch it picks, what it prints, and the names of everything it would install."""
    before = metadata.version("torch")
    proc = subprocess.run(
        ["bash", str(ROOT / "scripts" / "install_torch.sh"), sys.executable, "--dry-run", "--ignore-installed", "--report", str(report)],
        capture_output=True, text=True, env=env, cwd=ROOT, timeout=300,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert metadata.version("torch") == before, "a dry run changed the installed torch"
    data = json.loads(report.read_text())
    (item,) = [i for i in data["install"] if i["metadata"]["name"] == "torch"]
    return item, proc.stdout, sorted(canonicalize_name(i["metadata"]["name"]) for i in data["install"])


def test_public_machine_gets_the_cpu_build_from_the_cpu_index(tmp_path):
    item, said, names = _install_torch(_public_machine(tmp_path), tmp_path / "report.json")
    assert names == ["torch"]
    assert item["metadata"]["version"] == f"{_torch_version()}+cpu"
    assert item["download_info"]["url"].startswith((tmp_path / "cpu").as_uri()), item["download_info"]["url"]
    assert "from " + (tmp_path / "cpu").as_uri() in said


def test_cuda_build_only_on_request(tmp_path):
    item, said, names = _install_torch(_public_machine(tmp_path, RELULAB_TORCH="cuda"), tmp_path / "report.json")
    assert item["metadata"]["version"] == _torch_version()
    assert "nvidia-cublas-cu12" in names
    assert item["download_info"]["url"].startswith((tmp_path / "pypi").as_uri())
    assert "CUDA" in said


def test_a_local_cpu_wheel_is_used_without_asking_any_index(tmp_path):
    """As on a machine with the wheel in pip's find-links: found at once, the CPU index (here an
    address that cannot resolve) is never asked."""
    _fake_wheel(tmp_path / "wheels", f"{_torch_version()}+cpu", [])
    env = _public_machine(tmp_path, PIP_FIND_LINKS=str(tmp_path / "wheels"), RELULAB_TORCH_INDEX="https://unreachable.invalid/whl/cpu")
    start = time.perf_counter()
    item, said, _ = _install_torch(env, tmp_path / "report.json")
    assert item["metadata"]["version"] == f"{_torch_version()}+cpu"
    assert item["download_info"]["url"].startswith((tmp_path / "wheels").as_uri())
    assert "from a local wheel" in said and time.perf_counter() - start < 60


# --------------------------------------------------------------------------------------
# The hosted workflows (they cannot run here: what they call must exist and match the README)


def workflow(name: str) -> dict:
    data = yaml.safe_load((WORKFLOWS / name).read_text(encoding="utf-8"))
    data["on"] = data.pop(True, data.get("on"))  # YAML 1.1 reads the key `on` as true
    return data


def run_commands(job: dict) -> list[str]:
    return [step["run"].strip() for step in job["steps"] if "run" in step]


def readme_commands() -> set[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    return {line.strip() for block in re.findall(r"```bash\n(.*?)```", readme, re.S) for line in block.splitlines() if line.strip()}


def test_workflows_call_scripts_that_exist_and_the_readme_documents():
    documented = readme_commands()
    for path in sorted(WORKFLOWS.glob("*.yml")):
        for job in workflow(path.name)["jobs"].values():
            for command in run_commands(job):
                for script in re.findall(r"\bscripts/[\w./-]+", command):
                    assert (ROOT / script).is_file(), f"{path.name} calls {script}, which does not exist"
                assert command in documented, f"{path.name} runs {command!r}, which is not a command of the README"


def test_test_workflow_runs_the_readme_test_command_on_pull_requests_and_main():
    wf = workflow("test.yml")
    assert "pull_request" in wf["on"] and wf["on"]["push"]["branches"] == ["main"]
    (job,) = wf["jobs"].values()
    assert run_commands(job) == ["bash scripts/test.sh"]
    assert "bash scripts/test.sh" in readme_commands()
    assert "bash scripts/test.sh" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_pages_workflow_builds_the_site_and_deploys_it_from_main():
    wf = workflow("pages.yml")
    assert wf["on"]["push"]["branches"] == ["main"]
    assert wf["permissions"]["pages"] == "write" and wf["permissions"]["id-token"] == "write"
    build, deploy = wf["jobs"]["build"], wf["jobs"]["deploy"]
    assert "bash scripts/build.sh" in run_commands(build)
    assert "bash scripts/build_pdf.sh" in run_commands(build)
    upload = next(s for s in build["steps"] if s.get("uses", "").startswith("actions/upload-pages-artifact@"))
    assert upload["with"]["path"] == "_build/html"  # where scripts/build_book.py assembles the site
    import build_book

    assert build_book.BUILD.relative_to(ROOT) / "html" == Path(upload["with"]["path"])
    assert deploy["needs"] == "build" and any(s.get("uses", "").startswith("actions/deploy-pages@") for s in deploy["steps"])


def _setup_steps(job: dict) -> list:
    return [job.get("container"), job.get("runs-on")] + [s for s in job["steps"] if "run" not in s and "upload" not in s.get("uses", "")]


def test_both_workflows_share_one_pinned_set_up():
    test_job = workflow("test.yml")["jobs"]["test"]
    build_job = workflow("pages.yml")["jobs"]["build"]
    assert _setup_steps(test_job) == _setup_steps(build_job)
    image = test_job["container"]
    match = re.fullmatch(r"python:(\d+\.\d+)-bookworm", image)
    assert match, f"a Debian image with a fixed Python: {image}"
    assert f"python-{match[1]}" == (ROOT / "binder" / "runtime.txt").read_text().strip()
    cache = next(s for s in test_job["steps"] if s.get("uses", "").startswith("actions/cache@"))
    hashed = re.findall(r"'([^']+)'", cache["with"]["key"])
    assert "requirements.lock" in hashed and all((ROOT / f).is_file() for f in hashed), hashed
    assert cache["with"]["path"] == "~/.cache/pip"


# --------------------------------------------------------------------------------------
# Citation and versions


def project_version() -> str:
    import tomllib

    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]


def test_citation_file_and_changelog_carry_the_version():
    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    assert cff["cff-version"] == "1.2.0"
    for key in ("message", "title", "authors", "version", "license"):
        assert cff.get(key), f"CITATION.cff has no {key}"
    assert str(cff["version"]) == project_version() == str(cff["preferred-citation"]["edition"])
    assert set(cff["license"]) == {"CC-BY-4.0", "MIT"}
    assert cff["preferred-citation"]["languages"] == ["en", "it"]
    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    versions = re.findall(r"^## \[([^\]]+)\]", changelog, re.M)
    assert versions and versions[0] == project_version(), f"CHANGELOG.md's latest version {versions[:1]} != {project_version()}"
    import relulab

    assert relulab.__version__ == project_version()
    repo = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))["repository"]["url"]
    if repo:  # once public, the citation names the repository
        assert cff.get("repository-code") == repo


def test_the_suite_runs_in_parallel_groups_that_keep_a_notebook_whole():
    """scripts/test.sh runs pytest-xdist with --dist loadgroup; conftest.xdist_group puts every cell of
    one notebook (one nbval kernel) and every test of one module in one group, and the modules that
    share a built site in one group together."""
    from types import SimpleNamespace

    from conftest import xdist_group

    script = (ROOT / "scripts" / "test.sh").read_text(encoding="utf-8")
    assert "--dist loadgroup" in script and '-n "${RELULAB_TEST_WORKERS:-auto}"' in script
    assert "pytest-xdist" in pins(ROOT / "requirements.txt")

    def group(path: str) -> str:
        return xdist_group(SimpleNamespace(fspath=ROOT / path))

    assert group("book/en/04_dying_relu.ipynb") == "en/04_dying_relu.ipynb"
    assert group("book/it/04_dying_relu.ipynb") == "it/04_dying_relu.ipynb"
    assert group("tests/test_dying.py") == "test_dying.py"
    assert group("tests/test_build.py") == group("tests/test_student_notebook.py")
    assert group("tests/test_publishing.py") == group("tests/test_browser.py") != group("tests/test_build.py")
