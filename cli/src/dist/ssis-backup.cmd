@echo off
rem ssis-backup: the command-line client of the SSIS backup fleet (Java 17 or later on PATH, or JAVA_HOME).
rem Works from cmd.exe and PowerShell. Settings: %APPDATA%\ssis-backup\config.yml (see config.example.yml),
rem SSIS_BACKUP_* variables, --context. The exit code is the client's (README: 0 succeeded, 2 partially failed, ...).
setlocal
set "JAVA_EXE=java"
if defined JAVA_HOME set "JAVA_EXE=%JAVA_HOME%\bin\java.exe"
"%JAVA_EXE%" -XX:TieredStopAtLevel=1 -jar "%~dp0ssis-backup-cli.jar" %*
exit /b %ERRORLEVEL%
