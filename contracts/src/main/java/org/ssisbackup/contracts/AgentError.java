package org.ssisbackup.contracts;

/** Why one item (a path, a package) could not be handled. Never carries secrets or file contents. */
public record AgentError(String path, String reason) {}
