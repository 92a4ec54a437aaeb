package io.catalogml.config;

import java.io.Serializable;
import java.time.Duration;
import java.util.List;

/**
 * Table upkeep by the maintain job (configuration {@code maintain.*}).
 *
 * @param retention time travel kept: VACUUM deletes data files that left a table longer ago than this
 * @param everyNights nightly ends with maintain when this many nights passed since the last one (0 = never)
 * @param tables the logical names of the tables to maintain; empty = every table of the lake
 */
public record MaintainSettings(Duration retention, int everyNights, List<String> tables) implements Serializable {}
