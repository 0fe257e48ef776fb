<#
.SYNOPSIS
  Stops and removes the SSIS backup ${project.artifactId} service. Its state and logs stay unless -RemoveData.
#>
[CmdletBinding()]
param([switch] $RemoveData)
$ErrorActionPreference = 'Stop'
$id = 'ssis-backup-${project.artifactId}'
$exe = Join-Path $PSScriptRoot "${project.artifactId}-service.exe"
if (Get-Service $id -ErrorAction SilentlyContinue) {
  Stop-Service $id -ErrorAction SilentlyContinue
  & $exe uninstall
  if ($LASTEXITCODE -ne 0) { & sc.exe delete $id | Out-Null }
}
if ($RemoveData) {
  # The state folder holds the agent's signing key: revoke it on the orchestrator too (docs/security.md).
  Remove-Item -Recurse -Force (Join-Path $env:ProgramData "ssis-backup\${project.artifactId}")
}
Write-Host "Removed $id."
