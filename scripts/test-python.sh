#!/usr/bin/env bash
# The Python the tests use as an independent peer: pyarrow writes and reads the Parquet fixtures, and
# lm-evaluation-harness's own decontamination/janitor.py is the oracle for `--normalize lmeval`. A venv in
# ~/.cache (CONTAM_TEST_VENV overrides), created on first use and reused; prints its python's path.
# Neither package is a runtime dependency of contam. Usage: scripts/test-python.sh
set -euo pipefail
venv=${CONTAM_TEST_VENV:-$HOME/.cache/contam-test-python}
pyarrow_version=26.0.1
lmeval_version=0.4.13
python=$venv/bin/python
stamp=$venv/.contam-versions
want="pyarrow==$pyarrow_version lm_eval==$lmeval_version"
if [ ! -x "$python" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  echo "test-python: creating $venv ($want)" >&2
  python3 -m venv "$venv" >&2
  "$python" -m pip install -q --disable-pip-version-check "pyarrow==$pyarrow_version" >&2
  # Only janitor.py is used, and it imports nothing heavy: no dependencies.
  "$python" -m pip install -q --disable-pip-version-check --no-deps "lm_eval==$lmeval_version" >&2
  echo "$want" >"$stamp"
fi
echo "$python"
