#!/usr/bin/python3
"""Structural checks of the deployment files that no off-the-shelf validator on Debian 12 makes;
scripts/check-deploy.sh runs them after the tool-based checks. Each check prints one line:

  manifests   deploy/kubernetes/*.yaml: kinds, labels and selectors, probes, resources, the
              security context, emptyDir volumes, envFrom references, setting names; the
              example Secret's SECRET_KEY placeholder is one the service refuses
  compose     docker-compose.yml: the services, their health checks and start order, no fixed
              host port on api, required secrets, setting names, the worker's heartbeat path
  runtime     every shared library build/interviewace needs comes from a package the
              Dockerfile's runtime stage installs (or an Essential one)
  build-set   every library meson.build links comes from a package of
              `scripts/install-deps.sh --build` (or one it pulls in)
  context     the files `docker build` sends (after .dockerignore) are enough for the build
              stage: meson setup works on them and the embedded files it generates (migrations,
              engine data, web app, API docs) are the same as the real build's; secrets, build
              outputs and runtime data stay out

Usage: /usr/bin/python3 scripts/check_deploy.py [BINARY]   (default build/interviewace)
Exit status 1 when a check fails."""

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
UID = 10001
APP_SERVICES = ("migrate", "api", "worker")
# Settings that colleagues add to src/core/config.c and .env.example in parallel; the
# deployment files pass them through already.
PENDING_SETTINGS = {"REDIS_URL", "REDIS_TIMEOUT", "RATE_LIMIT_ON_REDIS_FAILURE", "SENTRY_DSN",
                    "SENTRY_ENVIRONMENT", "SENTRY_RELEASE", "SENTRY_SAMPLE_RATE"}
GENERATED = ("migrations_data.c", "engine_data.c", "docs_assets.c", "webapp_assets.c")


class Problems(list):
    def need(self, ok, message):
        if not ok:
            self.append(message)
        return ok


def known_settings():
    names = set(PENDING_SETTINGS)
    for line in (REPO / ".env.example").read_text().splitlines():
        m = re.match(r"^([A-Z][A-Z0-9_]*)=", line)
        if m:
            names.add(m.group(1))
    return names


def run(cmd, **kw):
    return subprocess.run(cmd, capture_output=True, text=True, stdin=subprocess.DEVNULL, **kw)


# ---- Kubernetes ------------------------------------------------------------------------------


def load_manifests(paths):
    docs = []
    for path in paths:
        for doc in yaml.safe_load_all(path.read_text()):
            if doc is not None:
                docs.append((path.relative_to(REPO), doc))
    return docs


def check_container(p, where, c, volumes, data_dir):
    sc = c.get("securityContext") or {}
    p.need(sc.get("allowPrivilegeEscalation") is False, f"{where}: allowPrivilegeEscalation: false")
    p.need(sc.get("readOnlyRootFilesystem") is True, f"{where}: readOnlyRootFilesystem: true")
    p.need(sc.get("runAsNonRoot") is True and sc.get("runAsUser") == UID,
           f"{where}: runAsNonRoot with runAsUser {UID}")
    p.need((sc.get("capabilities") or {}).get("drop") == ["ALL"], f"{where}: capabilities drop ALL")
    res = c.get("resources") or {}
    for kind in ("requests", "limits"):
        p.need({"cpu", "memory"} <= set(res.get(kind) or {}), f"{where}: resources.{kind} cpu and memory")
    p.need(bool(c.get("image")), f"{where}: an image")
    mounts = {m["mountPath"]: m["name"] for m in c.get("volumeMounts") or []}
    for path in (data_dir, "/tmp"):
        name = mounts.get(path)
        p.need(name is not None and "emptyDir" in volumes.get(name, {}),
               f"{where}: an emptyDir mounted at {path} (the root file system is read-only)")


def check_manifests(binary):
    p = Problems()
    kdir = REPO / "deploy" / "kubernetes"
    applied = load_manifests(sorted(kdir.glob("*.yaml")))
    examples = load_manifests(sorted((kdir / "examples").glob("*.yaml")))
    settings = known_settings()
    by_kind = {}
    for path, doc in applied + examples:
        for key in ("apiVersion", "kind", "metadata"):
            p.need(key in doc, f"{path}: no {key}")
        p.need(bool((doc.get("metadata") or {}).get("name")), f"{path}: no metadata.name")
        by_kind.setdefault(doc.get("kind"), []).append((path, doc))
    kinds = {d.get("kind") for _, d in applied}
    p.need(kinds == {"ConfigMap", "Deployment", "Job", "Service"},
           f"deploy/kubernetes/*.yaml: kinds {sorted(k for k in kinds if k)}, expected ConfigMap, "
           "Deployment, Job, Service (the Secret is an example, never applied with the directory)")
    p.need(all(d.get("kind") == "Secret" for _, d in examples), "examples/ holds the Secret only")

    configmaps = {d["metadata"]["name"]: d for _, d in by_kind.get("ConfigMap", [])}
    secrets = {d["metadata"]["name"]: d for _, d in by_kind.get("Secret", [])}
    for name, cm in list(configmaps.items()) + list(secrets.items()):
        data = {**(cm.get("data") or {}), **(cm.get("stringData") or {})}
        unknown = sorted(set(data) - settings)
        p.need(not unknown, f"{cm['kind']} {name}: unknown settings {unknown}")
        p.need(all(isinstance(v, str) for v in data.values()), f"{cm['kind']} {name}: every value a string")
    data_dir = next(iter(configmaps.values()), {}).get("data", {}).get("DATA_DIR", "")
    p.need(data_dir.startswith("/"), "ConfigMap: DATA_DIR is an absolute path")

    for name, secret in secrets.items():
        key = (secret.get("stringData") or {}).get("SECRET_KEY", "")
        p.need("CHANGE_ME" in key, f"Secret {name}: SECRET_KEY is a placeholder marked CHANGE_ME")
        if key:
            r = run([str(binary), "config", "check"], env={"PATH": "/usr/bin:/bin", "SECRET_KEY": key})
            p.need(r.returncode == 2 and "placeholder" in r.stderr,
                   f"Secret {name}: the service must refuse its SECRET_KEY placeholder "
                   f"(exit {r.returncode}: {r.stderr.strip()[:120]})")

    pods = {}
    for path, doc in by_kind.get("Deployment", []) + by_kind.get("Job", []):
        spec = doc.get("spec") or {}
        tmpl = spec.get("template") or {}
        labels = (tmpl.get("metadata") or {}).get("labels") or {}
        pod = tmpl.get("spec") or {}
        name = doc["metadata"]["name"]
        where = f"{path} {name}"
        if doc["kind"] == "Deployment":
            sel = (spec.get("selector") or {}).get("matchLabels") or {}
            p.need(sel and all(labels.get(k) == v for k, v in sel.items()),
                   f"{where}: selector.matchLabels must match the pod labels")
        else:
            p.need(pod.get("restartPolicy") in ("OnFailure", "Never"), f"{where}: restartPolicy")
        psc = pod.get("securityContext") or {}
        p.need(psc.get("runAsNonRoot") is True and psc.get("runAsUser") == UID,
               f"{where}: pod securityContext runAsNonRoot, runAsUser {UID}")
        volumes = {v["name"]: v for v in pod.get("volumes") or []}
        containers = pod.get("containers") or []
        p.need(len(containers) == 1, f"{where}: one container")
        for c in containers:
            check_container(p, f"{where}/{c.get('name')}", c, volumes, data_dir)
            refs = c.get("envFrom") or []
            cms = {r["configMapRef"]["name"] for r in refs if "configMapRef" in r}
            secs = {r["secretRef"]["name"] for r in refs if "secretRef" in r}
            p.need(cms and cms <= set(configmaps), f"{where}: envFrom a ConfigMap of deploy/kubernetes/")
            p.need(secs and secs <= set(secrets), f"{where}: envFrom the Secret of examples/")
        pods[name] = (labels, containers[0] if containers else {})

    api = pods.get("interviewace-api")
    worker = pods.get("interviewace-worker")
    job = pods.get("interviewace-migrate")
    if p.need(api and worker and job, "Deployments interviewace-api, interviewace-worker and "
              "Job interviewace-migrate"):
        c = api[1]
        p.need(c.get("args") == ["serve"], "api: args [serve]")
        ports = {pt.get("name"): pt.get("containerPort") for pt in c.get("ports") or []}
        p.need(ports.get("http") == 8000, "api: container port http 8000")
        for probe, path in (("livenessProbe", "/health"), ("readinessProbe", "/ready")):
            get = (c.get(probe) or {}).get("httpGet") or {}
            p.need(get.get("path") == path and get.get("port") in ("http", 8000),
                   f"api: {probe} GET {path}")
        args = worker[1].get("args") or []
        beat = args[args.index("--heartbeat") + 1] if "--heartbeat" in args[:-1] else None
        p.need(args[:1] == ["worker"] and beat, "worker: args worker --heartbeat PATH")
        cmd = ((worker[1].get("livenessProbe") or {}).get("exec") or {}).get("command") or []
        p.need(cmd[:2] == ["interviewace", "healthcheck"] and beat in cmd,
               "worker: livenessProbe runs interviewace healthcheck --heartbeat on its heartbeat file")
        p.need(beat is None or beat.startswith("/tmp/"), "worker: the heartbeat lives in /tmp (emptyDir)")
        p.need(job[1].get("args") == ["migrate"], "migrate Job: args [migrate]")
        for path, svc in by_kind.get("Service", []):
            sel = (svc.get("spec") or {}).get("selector") or {}
            p.need(sel and all(api[0].get(k) == v for k, v in sel.items()),
                   f"{path}: the selector must pick the api pods")
            for port in (svc.get("spec") or {}).get("ports") or []:
                p.need(port.get("targetPort") in ("http", 8000), f"{path}: targetPort http")
    return p, f"{len(applied)} manifests, {len(examples)} example"


# ---- docker-compose.yml ----------------------------------------------------------------------


def check_compose():
    p = Problems()
    text = (REPO / "docker-compose.yml").read_text()
    doc = yaml.safe_load(text)
    settings = known_settings()
    p.need("version" not in doc, "docker-compose.yml: no version key (Compose Specification)")
    services = doc.get("services") or {}
    expected = {"postgres", "redis", "minio", "minio-setup", "migrate", "api", "worker", "proxy", "ollama"}
    p.need(set(services) == expected, f"services {sorted(services)}, expected {sorted(expected)}")
    p.need(str((services.get("postgres") or {}).get("image", "")).startswith("postgres:16"), "postgres: PostgreSQL 16")
    p.need(str((services.get("redis") or {}).get("image", "")).startswith("redis:7"), "redis: Redis 7")
    p.need((services.get("ollama") or {}).get("profiles") == ["local-llm"], "ollama: profile local-llm")
    one_shot = {name for name, s in services.items() if s.get("restart") == "no"}
    p.need(one_shot == {"migrate", "minio-setup"}, f"one-shot services {sorted(one_shot)}")
    for name, s in services.items():
        hc = s.get("healthcheck") or {}
        if name in one_shot:
            p.need(hc.get("disable") is True, f"{name}: a one-shot service has its health check off")
        else:
            p.need(bool(hc.get("test")), f"{name}: a health check")
            p.need(s.get("restart") == "unless-stopped", f"{name}: restart unless-stopped")
    for name in ("api", "worker"):
        s = services.get(name) or {}
        deps = s.get("depends_on") or {}
        want = {"migrate": "service_completed_successfully", "minio-setup": "service_completed_successfully",
                "postgres": "service_healthy", "redis": "service_healthy", "minio": "service_healthy"}
        p.need(all((deps.get(k) or {}).get("condition") == v for k, v in want.items()),
               f"{name}: waits for migrate and minio-setup to complete and the data services to be healthy")
        env = s.get("environment") or {}
        p.need(env.get("STORAGE_BACKEND") == "s3" and env.get("HOST") == "0.0.0.0",
               f"{name}: STORAGE_BACKEND=s3, HOST=0.0.0.0")
        missing = sorted(PENDING_SETTINGS - set(env))
        p.need(not missing, f"{name}: passes through {missing}")
        unknown = sorted(set(env) - settings)
        p.need(not unknown, f"{name}: unknown settings {unknown}")
        p.need(s.get("env_file") == ".env", f"{name}: env_file .env")
    for name in APP_SERVICES:
        env = (services.get(name) or {}).get("environment") or {}
        p.need(env.get("SECRET_KEY", "").startswith("${SECRET_KEY:?"),
               f"{name}: SECRET_KEY required (${{SECRET_KEY:?...}}), never defaulted")
    for var in ("SECRET_KEY", "POSTGRES_PASSWORD", "MINIO_ROOT_PASSWORD", "S3_SECRET_ACCESS_KEY"):
        p.need(not re.search(r"\$\{" + var + r":?-", text), f"{var} must never have a default")
    api = services.get("api") or {}
    p.need("ports" not in api, "api: no published host port (scaling with --scale api=N)")
    p.need((api.get("environment") or {}).get("EMBEDDED_WORKERS") == "0", "api: EMBEDDED_WORKERS=0")
    p.need((api.get("healthcheck") or {}).get("test") == ["CMD", "interviewace", "healthcheck"],
           "api: health check interviewace healthcheck")
    worker = services.get("worker") or {}
    cmd = worker.get("command") or []
    beat = cmd[cmd.index("--heartbeat") + 1] if "--heartbeat" in cmd[:-1] else None
    test = (worker.get("healthcheck") or {}).get("test") or []
    p.need(cmd[:1] == ["worker"] and beat and test[1:3] == ["interviewace", "healthcheck"] and beat in test,
           "worker: started with --heartbeat PATH and checked with interviewace healthcheck --heartbeat PATH")
    p.need(bool((services.get("proxy") or {}).get("ports")), "proxy: publishes the HTTP port")
    declared = set(doc.get("volumes") or {})
    for name, s in services.items():
        for v in s.get("volumes") or []:
            src = v.split(":", 1)[0]
            if not src.startswith((".", "/")):
                p.need(src in declared, f"{name}: volume {src} is not declared")
            else:
                p.need((REPO / src).exists(), f"{name}: {src} does not exist")
    return p, f"{len(services)} services"


# ---- Dockerfile runtime packages ---------------------------------------------------------------


def dockerfile_stages():
    """[(base image, [instruction lines])], continuation lines joined."""
    stages, lines, cur = [], [], ""
    for raw in (REPO / "Dockerfile").read_text().splitlines():
        if raw.lstrip().startswith("#") and not cur:
            continue
        cur += raw.rstrip("\\").strip() + " " if raw.endswith("\\") else raw.strip()
        if not raw.endswith("\\"):
            if cur:
                lines.append(cur)
            cur = ""
    for line in lines:
        if line.upper().startswith("FROM "):
            stages.append((line.split()[1], []))
        elif stages:
            stages[-1][1].append(line)
    return stages


def packages_of(paths):
    """{path: the package that owns it, or None}, in one dpkg-query call. A path is tried as
    given, resolved, and in its /lib form (merged /usr: dpkg may know either)."""
    variants = {}
    for path in paths:
        for candidate in (path, os.path.realpath(path)):
            for alt in (candidate, re.sub(r"^/usr/lib/", "/lib/", candidate)):
                variants.setdefault(alt, set()).add(path)
    owners = {}
    out = run(["dpkg-query", "-S", *sorted(variants)]).stdout if variants else ""
    for line in out.splitlines():
        pkgs, _, where = line.partition(": ")
        for path in variants.get(where.strip(), ()):
            owners.setdefault(path, pkgs.split(",")[0].split(":")[0].strip())
    return {path: owners.get(path) for path in paths}


_base = None


def in_base_image(pkg):
    """True for an Essential package or a direct dependency of one (libc6, ...): every Debian
    image has those."""
    global _base
    if _base is None:
        _base = set()
        out = run(["dpkg-query", "-W", "-f=${Essential}\t${Package}\t${Pre-Depends}, ${Depends}\n"]).stdout
        for line in out.splitlines():
            ess, name, deps = (line.split("\t") + ["", ""])[:3]
            if ess == "yes":
                _base.add(name)
                _base |= {re.split(r"[\s:(]", d.strip())[0] for d in re.split(r"[,|]", deps) if d.strip()}
    return pkg in _base


def check_runtime(binary):
    p = Problems()
    stages = dockerfile_stages()
    if not p.need(len(stages) == 2, "Dockerfile: two stages (build, runtime)"):
        return p, ""
    (build_base, build), (base, final) = stages
    p.need(build_base == base and base in ("debian:12-slim", "debian:bookworm-slim"),
           f"Dockerfile: both stages on debian:12-slim (found {build_base}, {base})")
    p.need(any("scripts/install-deps.sh --build" in line for line in build),
           "Dockerfile: the build stage runs scripts/install-deps.sh --build")
    installs = [line for line in final if "apt-get install" in line]
    listed = set()
    for line in installs:
        after = line.split("apt-get install", 1)[1].split("&&", 1)[0]
        listed |= {w for w in after.split() if not w.startswith("-")}
    p.need(all("--no-install-recommends" in line for line in installs), "Dockerfile: --no-install-recommends")
    joined = "\n".join(final)
    # Data files the binary reads at run time (not libraries, so ldd cannot name them).
    for pkg, why in (("wordnet-base", "the offline engine's WordNet files, WORDNET_DIR"),):
        p.need(pkg in listed, f"Dockerfile: the runtime stage must install {pkg} ({why})")
    for want in ("USER 10001", "EXPOSE 8000", "HOST=0.0.0.0", "STOPSIGNAL SIGTERM",
                 '"interviewace", "healthcheck"', 'ENTRYPOINT ["interviewace"]'):
        p.need(want in joined, f"Dockerfile: runtime stage lacks {want}")
    ldd = run(["ldd", str(binary)])
    if not p.need(ldd.returncode == 0, f"ldd {binary} failed: {ldd.stderr.strip()}"):
        return p, ""
    needed = set()
    for line in ldd.stdout.splitlines():
        m = re.match(r"\s*(\S+) => (/\S+)", line)
        if m:
            needed.add((m.group(1), m.group(2)))
    direct = {m.group(1) for m in re.finditer(r"\(NEEDED\).*\[(.+)\]", run(["readelf", "-d", str(binary)]).stdout)}
    # Libraries the direct ones need come with those libraries' packages.
    needed = {(soname, path) for soname, path in needed if soname in direct}
    owners = packages_of([path for _, path in needed])
    for soname, path in sorted(needed):
        pkg = owners[path]
        p.need(pkg is not None, f"{soname}: no Debian package owns {path}")
        if pkg:
            p.need(pkg in listed or in_base_image(pkg),
                   f"Dockerfile: the runtime stage must install {pkg} (for {soname})")
    return p, f"{len(direct)} libraries from {len(listed)} packages"


# ---- the build set of install-deps.sh ------------------------------------------------------------


def check_build_set():
    p = Problems()
    r = run([str(REPO / "scripts" / "install-deps.sh"), "--build", "--print"])
    build = set(r.stdout.split())
    full = set(run([str(REPO / "scripts" / "install-deps.sh"), "--print"]).stdout.split())
    p.need(build and build <= full, "install-deps.sh: the --build set is part of the default set")
    for tool in ("postgresql", "chromium", "python3-pytest", "libcmocka-dev", "docker-compose"):
        p.need(tool not in build, f"install-deps.sh --build must not install {tool}")
    meson = (REPO / "meson.build").read_text()
    deps = [m.group(1) for m in re.finditer(r"dependency\('([^']+)'([^)]*)\)", meson)
            if m.group(1) != "threads" and "required : false" not in m.group(2)]
    closure = None
    pcs = {}
    for dep in deps:
        pcdir = run(["pkg-config", "--variable=pcfiledir", dep]).stdout.strip()
        pcs[dep] = os.path.join(pcdir, dep + ".pc") if pcdir else ""
    programs = {prog: os.path.realpath(shutil.which(prog) or "/nonexistent/" + prog)
                for prog in re.findall(r"find_program\('([^'/]+)'\)", meson)}
    owners = packages_of([f for f in list(pcs.values()) + list(programs.values()) if f])
    for dep in deps:
        pkg = owners.get(pcs[dep])
        if not p.need(pkg is not None, f"meson dependency {dep}: no installed package provides its .pc"):
            continue
        if pkg in build:
            continue
        if closure is None:
            out = run(["apt-cache", "depends", "--recurse", "--no-recommends", "--no-suggests",
                       "--no-conflicts", "--no-breaks", "--no-replaces", "--no-enhances", *sorted(build)]).stdout
            closure = {line.strip() for line in out.splitlines() if not line.startswith(" ")}
        p.need(pkg in closure, f"install-deps.sh --build: nothing installs {pkg} (meson dependency {dep})")
    for prog, path in programs.items():
        pkg = owners.get(path)
        p.need(pkg in build, f"install-deps.sh --build must install {prog} (package {pkg})")
    # Libraries found by name (no pkg-config file): the package of the header meson checks.
    headers = {lib: "/usr/include/" + hdr for lib, hdr in
               re.findall(r"find_library\('([^']+)',\s*has_headers\s*:\s*\['([^']+)'\]", meson)}
    hdr_owners = packages_of(list(headers.values()))
    for lib, path in headers.items():
        pkg = hdr_owners.get(path)
        p.need(pkg is not None and pkg in build,
               f"install-deps.sh --build must install {pkg or path} (library {lib})")
    return p, f"{len(deps) + len(headers)} libraries"


# ---- the docker build context ------------------------------------------------------------------


def dockerignore_patterns():
    pats = []
    for raw in (REPO / ".dockerignore").read_text().splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        exclusion = line.startswith("!")
        line = os.path.normpath(line.lstrip("!").strip()).lstrip("/")
        rx = ""
        i = 0
        while i < len(line):
            ch = line[i]
            if line.startswith("**/", i):
                rx += "(?:.*/)?"  # any number of directories, none included
                i += 3
                continue
            if line.startswith("**", i):
                rx += ".*"
                i += 2
                continue
            rx += {"*": "[^/]*", "?": "[^/]"}.get(ch, re.escape(ch))
            i += 1
        pats.append((re.compile(rx + r"\Z"), exclusion))
    return pats


def ignored(path, pats):
    """Docker's rule: the last pattern that matches the path or one of its parents decides."""
    parts = path.split("/")
    candidates = ["/".join(parts[:i]) for i in range(1, len(parts) + 1)]
    result = False
    for rx, exclusion in pats:
        if any(rx.match(c) for c in candidates):
            result = not exclusion
    return result


def check_context():
    p = Problems()
    pats = dockerignore_patterns()
    for path in (".env", ".env.local", "data/interviewace.db", "data/interviewace.db-wal", "data/files/ab/cd",
                 "data/tmp/upload", "build/interviewace", "build-asan/x", "node_modules/a/b", ".git/HEAD",
                 ".services/pg/data/x", "tests/fuzz/corpus/router/a", "tests/integration/conftest.py"):
        p.need(ignored(path, pats), f".dockerignore must keep {path} out of the build context")
    for path in ("data/skills.json", "data/questions.json", "data/red_flags.json",
                 "data/model_answers/neutral.json", "src/main.c", "tests/fuzz/replay.c", "meson.build",
                 "web/build.mjs", "scripts/install-deps.sh"):
        p.need(not ignored(path, pats), f".dockerignore must keep {path} in the build context")
    files = run(["git", "-C", str(REPO), "ls-files", "-co", "--exclude-standard"]).stdout.split("\n")
    context = [f for f in files if f and not ignored(f, pats) and (REPO / f).is_file()]
    (_, build), _ = dockerfile_stages()[:2]
    sources = []
    for line in build:
        if line.upper().startswith("COPY ") and "--from" not in line:
            sources += line.split()[1:-1]
    with tempfile.TemporaryDirectory(prefix="ia-docker-context-") as tmp:
        copied = 0
        for src in sources:
            src = os.path.normpath(src)
            chosen = [f for f in context if f == src or f.startswith(src.rstrip("/") + "/")]
            p.need(chosen, f"Dockerfile COPY {src}: nothing of it is in the build context")
            for f in chosen:
                dest = Path(tmp) / f
                dest.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(REPO / f, dest)
                copied += 1
        # `npm ci --omit=dev` in the build stage: the packages package.json lists as
        # dependencies (not the development ones), taken from this checkout's node_modules.
        if any(line.upper().startswith("RUN ") and "npm ci" in line and "--omit=dev" in line
               for line in build):
            deps = json.loads((REPO / "package.json").read_text()).get("dependencies", {})
            for dep in deps:
                src = REPO / "node_modules" / dep
                if p.need(src.is_dir(), f"node_modules/{dep} is missing: run npm ci (make build does)"):
                    dest = Path(tmp) / "node_modules" / dep
                    dest.parent.mkdir(parents=True, exist_ok=True)
                    dest.symlink_to(src, target_is_directory=True)
        else:
            p.need(False, "the build stage must run `npm ci --omit=dev` for the packages the binary "
                          "embeds (package.json dependencies)")
        # The build stage has no cmocka (a test library) and no CMake: hide cmocka from
        # pkg-config and CMake from meson here too, so that meson configures what the image
        # build does.
        pcdir = Path(tmp) / ".pkgconfig"
        pcdir.mkdir()
        for d in run(["pkg-config", "--variable", "pc_path", "pkg-config"]).stdout.strip().split(":"):
            for pc in sorted(Path(d).glob("*.pc")) if os.path.isdir(d) else []:
                if pc.name != "cmocka.pc" and not (pcdir / pc.name).exists():
                    (pcdir / pc.name).symlink_to(pc)
        env = dict(os.environ, CI="true", PKG_CONFIG_LIBDIR=str(pcdir))
        env.pop("PKG_CONFIG_PATH", None)
        (Path(tmp) / ".native.ini").write_text("[binaries]\ncmake = '/bin/false'\n")
        setup = run(["meson", "setup", "build", "--buildtype=release", "--native-file", ".native.ini"],
                    cwd=tmp, env=env)
        if not p.need(setup.returncode == 0, f"meson setup on the build context failed:\n{setup.stdout[-2000:]}"):
            return p, ""
        gen = run(["ninja", "-C", "build", *GENERATED], cwd=tmp, env=env)
        if not p.need(gen.returncode == 0, f"ninja on the build context failed:\n{gen.stdout[-2000:]}"):
            return p, ""
        for name in GENERATED:
            theirs = (REPO / "build" / name).read_bytes() if (REPO / "build" / name).exists() else None
            mine = (Path(tmp) / "build" / name).read_bytes()
            p.need(theirs is not None and theirs == mine,
                   f"{name} from the build context differs from build/{name}: a file the binary "
                   "embeds is missing from the context (or build/ is stale: make build)")
    return p, f"{copied} files in the build context"


def main():
    binary = Path(sys.argv[1] if len(sys.argv) > 1 else REPO / "build" / "interviewace").resolve()
    failed = False
    for name, check in (("manifests", lambda: check_manifests(binary)), ("compose", check_compose),
                        ("runtime", lambda: check_runtime(binary)), ("build-set", check_build_set),
                        ("context", check_context)):
        try:
            problems, summary = check()
        except Exception as exc:  # a crash in a check is a failed check, with its reason
            problems, summary = [f"{type(exc).__name__}: {exc}"], ""
        if problems:
            failed = True
            for line in problems:
                print(f"  {line}")
            print(f"deploy: {name + ':':15} FAILED")
        else:
            print(f"deploy: {name + ':':15} ok ({summary})")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
