@echo off
rem The command-line client from this repository on Windows (cmd.exe or PowerShell), after ./mvnw package:
rem   ssis-backup.cmd hosts, ssis-backup.cmd backup create --host SQL01 --wait, ... (ssis-backup.cmd --help).
rem The local stack's own verbs (up, down, status, check) are in the bash script ./ssis-backup.
setlocal
set "JAR=%~dp0cli\target\ssis-backup-cli-0.1.0-SNAPSHOT-exec.jar"
if not exist "%JAR%" (
  echo ssis-backup: build first: mvnw.cmd -pl cli -am package 1>&2
  exit /b 3
)
set "JAVA_EXE=java"
if defined JAVA_HOME set "JAVA_EXE=%JAVA_HOME%\bin\java.exe"
"%JAVA_EXE%" -XX:TieredStopAtLevel=1 -jar "%JAR%" %*
exit /b %ERRORLEVEL%
