<#
.SYNOPSIS
  Installs the SSIS backup ${project.artifactId} as a Windows service under the given account.
.DESCRIPTION
  Run from the unzipped ${project.artifactId}-${project.version}-windows folder, in an elevated PowerShell. Needs
  Java 17 or later (JAVA_HOME) and WinSW-x64.exe (https://github.com/winsw/winsw/releases, v2.12 or later) in this
  folder. The service runs as -Account (a group managed service account such as CORP\svc-ssis-backup$, or a domain
  account with -Credential), restarts itself after a failure (10 s, 30 s, 2 min; the count resets after an hour),
  and logs under %ProgramData%\ssis-backup\${project.artifactId}\logs. The state folder (job journal, the agent's
  signing key) is readable by the service account, SYSTEM and Administrators only.
  config\application.yml is made from config\application.yml.template at the first run: edit it, then run again.
.EXAMPLE
  .\install-service.ps1 -Account 'CORP\svc-ssis-backup$'
.EXAMPLE
  .\install-service.ps1 -Account 'CORP\svc-ssis-backup' -Credential (Get-Credential CORP\svc-ssis-backup)
#>
[CmdletBinding()]
param(
  [Parameter(Mandatory = $true)][string] $Account,
  [System.Management.Automation.PSCredential] $Credential,
  [string] $JavaHome = $env:JAVA_HOME,
  [switch] $NoStart
)
$ErrorActionPreference = 'Stop'
$id = 'ssis-backup-${project.artifactId}'
$here = $PSScriptRoot

$principal = New-Object Security.Principal.WindowsPrincipal([Security.Principal.WindowsIdentity]::GetCurrent())
if (-not $principal.IsInRole([Security.Principal.WindowsBuiltInRole]::Administrator)) {
  throw 'Run this in an elevated PowerShell (Run as administrator).'
}
if (-not $JavaHome -or -not (Test-Path (Join-Path $JavaHome 'bin\java.exe'))) {
  throw 'Set JAVA_HOME (or -JavaHome) to a Java 17 or later installation.'
}
$version = & (Join-Path $JavaHome 'bin\java.exe') -version 2>&1 | Select-Object -First 1
if ($version -notmatch '"(\d+)') { throw "Cannot tell the Java version: $version" }
if ([int]$Matches[1] -lt 17) { throw "Java 17 or later is needed, not: $version" }
$winsw = Join-Path $here 'WinSW-x64.exe'
if (-not (Test-Path $winsw)) {
  throw 'Put WinSW-x64.exe (https://github.com/winsw/winsw/releases, v2.12 or later) in this folder.'
}

$config = Join-Path $here 'config\application.yml'
if (-not (Test-Path $config)) {
  Copy-Item (Join-Path $here 'config\application.yml.template') $config
  Write-Host "Made $config from its template: fill it in (host id, Kafka, S3, keys), then run this again."
  exit 3
}

# Data only the service account, SYSTEM and Administrators may touch; the configuration readable by them alone.
$data = Join-Path $env:ProgramData "ssis-backup\${project.artifactId}"
foreach ($dir in @("$data\state", "$data\logs")) { New-Item -ItemType Directory -Force -Path $dir | Out-Null }
function Set-OwnOnly([string] $path, [string] $rights) {
  $acl = New-Object System.Security.AccessControl.DirectorySecurity
  $acl.SetAccessRuleProtection($true, $false)   # no inherited entries
  foreach ($who in @('NT AUTHORITY\SYSTEM', 'BUILTIN\Administrators')) {
    $acl.AddAccessRule((New-Object System.Security.AccessControl.FileSystemAccessRule($who, 'FullControl', 'ContainerInherit,ObjectInherit', 'None', 'Allow')))
  }
  $acl.AddAccessRule((New-Object System.Security.AccessControl.FileSystemAccessRule($Account, $rights, 'ContainerInherit,ObjectInherit', 'None', 'Allow')))
  Set-Acl -Path $path -AclObject $acl
}
Set-OwnOnly $data 'Modify'
Set-OwnOnly (Join-Path $here 'config') 'ReadAndExecute'

$exe = Join-Path $here "${project.artifactId}-service.exe"
Copy-Item $winsw $exe -Force
Copy-Item (Join-Path $here 'service.xml') (Join-Path $here "${project.artifactId}-service.xml") -Force
[Environment]::SetEnvironmentVariable('JAVA_HOME', $JavaHome, 'Machine')
& $exe install
if ($LASTEXITCODE -ne 0) { throw "WinSW could not install $id (exit $LASTEXITCODE)" }

# The account: a gMSA (ends in $) has no password; any other account needs its credential.
if ($Account.EndsWith('$')) {
  & sc.exe config $id obj= $Account | Out-Null
} elseif ($Credential) {
  & sc.exe config $id obj= $Account password= $Credential.GetNetworkCredential().Password | Out-Null
} else {
  throw 'A -Credential is needed for an account that is not a group managed service account.'
}
if ($LASTEXITCODE -ne 0) { throw "sc.exe could not set the account of $id (exit $LASTEXITCODE)" }
# Recovery on failure, also when the process ends with an error rather than crashes.
& sc.exe failure $id reset= 3600 actions= restart/10000/restart/30000/restart/120000 | Out-Null
& sc.exe failureflag $id 1 | Out-Null

if (-not $NoStart) {
  Start-Service $id
  Get-Service $id | Format-Table -AutoSize Name, Status, StartType
}
Write-Host "Installed $id as $Account. Logs: $data\logs. Its signing key's fingerprint is in the log's first lines:"
Write-Host 'compare it with GET /api/v1/agents on the orchestrator (docs/security.md).'
