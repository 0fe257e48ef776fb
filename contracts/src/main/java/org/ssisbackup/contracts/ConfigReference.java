package org.ssisbackup.contracts;

/**
 * A configuration a package refers to. {@code configurationType} is the DTS:ConfigurationType number
 * (1 ConfigFile, 5 IConfigFile, 7 SqlServer, ...); {@code target} is the file path or the environment
 * variable name, as written in the package.
 */
public record ConfigReference(String packagePath, int configurationType, String target) {}
