@echo off
REM Runs the month-end close by hand when the SQL Agent job is disabled.
dtexec /FILE "%~dp0Finance\MonthEnd.dtsx" /CONFIGFILE "%~dp0Finance\MonthEnd.dtsConfig" /REPORTING E
