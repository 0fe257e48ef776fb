package org.ssisbackup.fsagent.capture;

import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.List;

/**
 * Which walked files are captured: those matching an include glob (all when there is none) and no exclude glob.
 * A glob is matched against the path relative to its package folder, with '/' separators whatever the platform;
 * a glob without '/' is also matched against the file name, so {@code *.tmp} means a .tmp file anywhere.
 */
final class FileSelection {
    private record Glob(PathMatcher matcher, boolean nameOnly) {
        boolean matches(Path relative) {
            return matcher.matches(relative)
                    || (nameOnly && relative.getFileName() != null && matcher.matches(relative.getFileName()));
        }
    }

    private final List<Glob> include;
    private final List<Glob> exclude;

    FileSelection(List<String> include, List<String> exclude) {
        this.include = include.stream().map(FileSelection::glob).toList();
        this.exclude = exclude.stream().map(FileSelection::glob).toList();
    }

    private static Glob glob(String pattern) {
        String p = pattern.replace('\\', '/');
        return new Glob(FileSystems.getDefault().getPathMatcher("glob:" + p), !p.contains("/"));
    }

    boolean selects(Path relative) {
        return (include.isEmpty() || include.stream().anyMatch(g -> g.matches(relative)))
                && exclude.stream().noneMatch(g -> g.matches(relative));
    }
}
