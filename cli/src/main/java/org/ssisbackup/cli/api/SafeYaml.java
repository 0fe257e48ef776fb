package org.ssisbackup.cli.api;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/** YAML an admin hands the client (its config file, policy files): plain data only. */
public final class SafeYaml {
    private SafeYaml() {}

    /**
     * Maps, lists and scalars only (no tags that build objects), at most 10 aliases per collection (no alias bombs),
     * no key twice.
     *
     * @throws org.yaml.snakeyaml.error.YAMLException when the text is not such YAML
     */
    public static Object load(String text) {
        LoaderOptions options = new LoaderOptions();
        options.setMaxAliasesForCollections(10);
        options.setAllowDuplicateKeys(false);
        return new Yaml(new SafeConstructor(options)).load(text);
    }
}
