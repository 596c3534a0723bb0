; Switchboard agent desktop installer for Windows (NSIS 3). NOT built or tested in this repository's CI:
; it is kept here, ready for a Windows build machine (see docs/packaging.md, "Windows").
;
; Build on Windows, from the repository root:
;   .venv\Scripts\pyinstaller --noconfirm packaging\pyinstaller\switchboard.spec
;   makensis /DVERSION=0.1.0 packaging\windows\switchboard.nsi
; Silent install (IT rollout), optionally provisioning the PC from a folder issued by the edge:
;   switchboard-setup-0.1.0.exe /S /PROVISION=\\fileserver\switchboard\pc-017
; Silent uninstall (keeps the provisioned config unless /PURGE):
;   "%ProgramFiles%\Switchboard\uninstall.exe" /S

Unicode true
!include "MUI2.nsh"
!include "FileFunc.nsh"

!ifndef VERSION
  !define VERSION "0.1.0"
!endif
!define APP "Switchboard"
!define BUNDLE "..\..\dist\switchboard"
!define REGKEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\Switchboard"
; The desktop looks for %ProgramData%\Switchboard\desktop.toml on Windows (the counterpart of
; /etc/switchboard/desktop.toml): see docs/packaging.md for the one-line change still needed there.
!define CONFDIR "$COMMONAPPDATA\Switchboard"

Name "${APP} ${VERSION}"
OutFile "..\..\dist\switchboard-setup-${VERSION}.exe"
InstallDir "$PROGRAMFILES64\${APP}"
RequestExecutionLevel admin
SetCompressor /SOLID lzma

!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES
!insertmacro MUI_LANGUAGE "English"
!insertmacro MUI_LANGUAGE "SimpChinese"

Section "Switchboard" SecMain
  SetOutPath "$INSTDIR"
  File /r "${BUNDLE}\*.*"
  WriteUninstaller "$INSTDIR\uninstall.exe"
  CreateDirectory "$SMPROGRAMS\${APP}"
  CreateShortcut "$SMPROGRAMS\${APP}\Switchboard Agent Desktop.lnk" "$INSTDIR\switchboard.exe" "desktop"
  CreateShortcut "$SMPROGRAMS\${APP}\Switchboard Designer.lnk" "$INSTDIR\switchboard.exe" "designer"
  WriteRegStr HKLM "${REGKEY}" "DisplayName" "${APP}"
  WriteRegStr HKLM "${REGKEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKLM "${REGKEY}" "Publisher" "Switchboard"
  WriteRegStr HKLM "${REGKEY}" "UninstallString" '"$INSTDIR\uninstall.exe"'
  WriteRegStr HKLM "${REGKEY}" "QuietUninstallString" '"$INSTDIR\uninstall.exe" /S'
  ${GetSize} "$INSTDIR" "/S=0K" $0 $1 $2
  WriteRegDWORD HKLM "${REGKEY}" "EstimatedSize" $0

  ; /PROVISION=DIR: copy the desktop.toml and client key issued by `switchboard-edge keys issue`.
  ${GetParameters} $R0
  ClearErrors
  ${GetOptions} $R0 "/PROVISION=" $R1
  IfErrors done
    CreateDirectory "${CONFDIR}"
    CopyFiles /SILENT "$R1\desktop.toml" "${CONFDIR}\desktop.toml"
    CopyFiles /SILENT "$R1\*.key_secret" "${CONFDIR}"
  done:
SectionEnd

Section "Uninstall"
  RMDir /r "$INSTDIR"
  RMDir /r "$SMPROGRAMS\${APP}"
  DeleteRegKey HKLM "${REGKEY}"
  ${GetParameters} $R0
  ClearErrors
  ${GetOptions} $R0 "/PURGE" $R1
  IfErrors +2
    RMDir /r "${CONFDIR}"
SectionEnd
