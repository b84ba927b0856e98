; The Windows installer of NPBackup (or of the brand it is compiled for):
; the programs in Program Files, Start-menu entries, the tray at logon, the
; scheduler as a Windows service, and an entry in "Apps & features".
;
; Compiled by scripts/package-windows with the brand's names:
;   makensis -DPRODUCT="NPBackup" -DSHORT=npbackup -DCOMPANY="NetPerfect" -DVERSION=0.1.0
;            -DPAYLOAD=DIR -DICON=app.ico -DOUTFILE=npbackup-0.1.0-setup.exe npbackup.nsi
; PAYLOAD holds SHORT-cli.exe and SHORT-gui.exe (a Windows build of the workspace).
;
; Silent install, enrolled in a fleet server (the scheduler starts with the
; organisation's configuration):
;   npbackup-0.1.0-setup.exe /S /SERVER=https://fleet.example.com /TOKEN=…
; The token is handed to the CLI in NPBACKUP_FLEET_TOKEN, never on its command line.
; Other options: /D=C:\path (install folder, last), /NOAUTOSTART, /NOSERVICE.

Unicode true
SetCompressor /SOLID lzma
RequestExecutionLevel admin

!ifndef PRODUCT
  !error "define PRODUCT (the brand's product-name)"
!endif
!ifndef SHORT
  !error "define SHORT (the brand's short-name)"
!endif
!ifndef VERSION
  !error "define VERSION"
!endif
!ifndef COMPANY
  !define COMPANY "${PRODUCT}"
!endif
!ifndef PAYLOAD
  !error "define PAYLOAD (the folder with ${SHORT}-cli.exe and ${SHORT}-gui.exe)"
!endif
!ifndef OUTFILE
  !define OUTFILE "${SHORT}-${VERSION}-setup.exe"
!endif

!include "MUI2.nsh"
!include "FileFunc.nsh"
!include "LogicLib.nsh"
!include "x64.nsh"

!define CLI "${SHORT}-cli.exe"
!define GUI "${SHORT}-gui.exe"
!define UNINST_KEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\${SHORT}"
; with SetShellVarContext all, $APPDATA is ProgramData
!define CONFIG "$APPDATA\${SHORT}\${SHORT}.toml"

Name "${PRODUCT}"
OutFile "${OUTFILE}"
InstallDir "$PROGRAMFILES64\${PRODUCT}"
InstallDirRegKey HKLM "${UNINST_KEY}" "InstallLocation"
VIProductVersion "${VERSION}.0"
VIAddVersionKey "ProductName" "${PRODUCT}"
VIAddVersionKey "CompanyName" "${COMPANY}"
VIAddVersionKey "FileDescription" "${PRODUCT} setup"
VIAddVersionKey "FileVersion" "${VERSION}"
VIAddVersionKey "ProductVersion" "${VERSION}"
VIAddVersionKey "LegalCopyright" "${COMPANY}"

!ifdef ICON
  !define MUI_ICON "${ICON}"
  !define MUI_UNICON "${ICON}"
!endif
!define MUI_ABORTWARNING
!define MUI_FINISHPAGE_RUN "$INSTDIR\${GUI}"
!define MUI_FINISHPAGE_RUN_TEXT "Open ${PRODUCT}"

!insertmacro MUI_PAGE_WELCOME
!ifdef LICENCE
  !insertmacro MUI_PAGE_LICENSE "${LICENCE}"
!endif
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_PAGE_FINISH
!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES
!insertmacro MUI_LANGUAGE "English"
!insertmacro MUI_LANGUAGE "French"

Var Server
Var Token
Var NoAutostart
Var NoService

Function .onInit
  ${IfNot} ${RunningX64}
    MessageBox MB_ICONSTOP "${PRODUCT} needs a 64-bit Windows." /SD IDOK
    Abort
  ${EndIf}
  SetRegView 64
  ${GetParameters} $R0
  ClearErrors
  ${GetOptions} $R0 "/SERVER=" $Server
  ClearErrors
  ${GetOptions} $R0 "/TOKEN=" $Token
  StrCpy $NoAutostart 0
  ClearErrors
  ${GetOptions} $R0 "/NOAUTOSTART" $R1
  ${IfNot} ${Errors}
    StrCpy $NoAutostart 1
  ${EndIf}
  StrCpy $NoService 0
  ClearErrors
  ${GetOptions} $R0 "/NOSERVICE" $R1
  ${IfNot} ${Errors}
    StrCpy $NoService 1
  ${EndIf}
  ${If} $Server != ""
  ${AndIf} $Token == ""
    MessageBox MB_ICONSTOP "/SERVER needs /TOKEN (the enrolment token the fleet server gave)." /SD IDOK
    SetErrorLevel 2
    Quit
  ${EndIf}
FunctionEnd

Section "${PRODUCT}" SecMain
  SectionIn RO
  SetShellVarContext all
  ; a running scheduler or tray holds its files: stop them first
  ${If} ${FileExists} "$INSTDIR\${CLI}"
    nsExec::Exec '"$INSTDIR\${CLI}" service uninstall --system'
    Pop $0
  ${EndIf}
  nsExec::Exec 'taskkill /IM "${GUI}" /F'
  Pop $0

  SetOutPath "$INSTDIR"
  File "${PAYLOAD}\${CLI}"
  File "${PAYLOAD}\${GUI}"
  WriteUninstaller "$INSTDIR\uninstall.exe"

  ; Start menu
  CreateDirectory "$SMPROGRAMS\${PRODUCT}"
  CreateShortcut "$SMPROGRAMS\${PRODUCT}\${PRODUCT}.lnk" "$INSTDIR\${GUI}"
  CreateShortcut "$SMPROGRAMS\${PRODUCT}\Uninstall ${PRODUCT}.lnk" "$INSTDIR\uninstall.exe"
  ; the tray at every logon
  ${If} $NoAutostart == 0
    CreateShortcut "$SMSTARTUP\${PRODUCT}.lnk" "$INSTDIR\${GUI}" "--hidden"
  ${EndIf}

  ; "Apps & features"
  WriteRegStr HKLM "${UNINST_KEY}" "DisplayName" "${PRODUCT}"
  WriteRegStr HKLM "${UNINST_KEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKLM "${UNINST_KEY}" "Publisher" "${COMPANY}"
  WriteRegStr HKLM "${UNINST_KEY}" "DisplayIcon" "$INSTDIR\${GUI}"
  WriteRegStr HKLM "${UNINST_KEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr HKLM "${UNINST_KEY}" "UninstallString" '"$INSTDIR\uninstall.exe"'
  WriteRegStr HKLM "${UNINST_KEY}" "QuietUninstallString" '"$INSTDIR\uninstall.exe" /S'
  WriteRegDWORD HKLM "${UNINST_KEY}" "NoModify" 1
  WriteRegDWORD HKLM "${UNINST_KEY}" "NoRepair" 1
  ${GetSize} "$INSTDIR" "/S=0K" $0 $1 $2
  WriteRegDWORD HKLM "${UNINST_KEY}" "EstimatedSize" $0

  ; enrolled in the fleet server: it writes the organisation's configuration
  ${If} $Server != ""
    CreateDirectory "$APPDATA\${SHORT}"
    System::Call 'Kernel32::SetEnvironmentVariable(t "NPBACKUP_FLEET_TOKEN", t "$Token") i'
    nsExec::ExecToLog '"$INSTDIR\${CLI}" -c "${CONFIG}" fleet enrol "$Server"'
    Pop $0
    System::Call 'Kernel32::SetEnvironmentVariable(t "NPBACKUP_FLEET_TOKEN", n) i'
    ${If} $0 != 0
      DetailPrint "Enrolment with $Server failed (exit code $0)."
      MessageBox MB_ICONEXCLAMATION "${PRODUCT} is installed, but enrolment with $Server failed (exit code $0). Enrol later with: ${CLI} fleet enrol" /SD IDOK
      SetErrorLevel 9
    ${EndIf}
  ${EndIf}

  ; the scheduler as a service, once there is a configuration to run
  ${If} $NoService == 0
    IfFileExists "${CONFIG}" 0 no_config
      nsExec::ExecToLog '"$INSTDIR\${CLI}" -c "${CONFIG}" service install --system'
      Pop $0
      ${If} $0 != 0
        DetailPrint "The scheduler service was not installed (exit code $0)."
      ${EndIf}
      Goto service_done
    no_config:
      DetailPrint "No configuration yet: the app sets one up and installs the scheduler."
    service_done:
  ${EndIf}
SectionEnd

Function un.onInit
  SetRegView 64
FunctionEnd

Section "Uninstall"
  SetShellVarContext all
  nsExec::Exec '"$INSTDIR\${CLI}" service uninstall --system'
  Pop $0
  nsExec::Exec 'taskkill /IM "${GUI}" /F'
  Pop $0
  Delete "$INSTDIR\${CLI}"
  Delete "$INSTDIR\${GUI}"
  ; what an upgrade left behind when the old program was still running
  Delete "$INSTDIR\.${CLI}.old"
  Delete "$INSTDIR\.${GUI}.old"
  Delete "$INSTDIR\uninstall.exe"
  RMDir "$INSTDIR"
  Delete "$SMPROGRAMS\${PRODUCT}\${PRODUCT}.lnk"
  Delete "$SMPROGRAMS\${PRODUCT}\Uninstall ${PRODUCT}.lnk"
  RMDir "$SMPROGRAMS\${PRODUCT}"
  Delete "$SMSTARTUP\${PRODUCT}.lnk"
  DeleteRegKey HKLM "${UNINST_KEY}"
  ; the configuration (ProgramData\${SHORT}) and the repositories stay
SectionEnd
