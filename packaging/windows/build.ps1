# Build the Windows bundles and the installer. NOT run in this repository's CI (no Windows machine here).
# Requirements: Python 3.12 x64, NSIS 3 (makensis on PATH). Run from the repository root.
$ErrorActionPreference = "Stop"
py -3.12 -m venv .venv
.venv\Scripts\python -m pip install -r requirements-dev.txt
Get-ChildItem resources\i18n\*.ts | ForEach-Object { .venv\Scripts\pyside6-lrelease -silent $_.FullName -qm ($_.FullName -replace '\.ts$', '.qm') }
.venv\Scripts\pyinstaller --noconfirm --distpath dist --workpath build\pyinstaller packaging\pyinstaller\switchboard.spec
.venv\Scripts\pyinstaller --noconfirm --distpath dist --workpath build\pyinstaller packaging\pyinstaller\switchboard-edge.spec
$version = (Select-String -Path pyproject.toml -Pattern '^version = "(.*)"').Matches[0].Groups[1].Value
makensis /DVERSION=$version packaging\windows\switchboard.nsi
