package org.ssisbackup.contracts;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/** Messages on {@link Topics#CATALOG_EVENTS}: the catalog tells anyone what it recorded. */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({@JsonSubTypes.Type(value = RestorePointRecorded.class, name = "RestorePointRecorded")})
public sealed interface CatalogEvent extends VersionedMessage permits RestorePointRecorded {}
