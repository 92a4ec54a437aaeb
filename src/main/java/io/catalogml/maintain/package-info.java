/**
 * Table upkeep: the maintain job compacts (Delta's OPTIMIZE) and vacuums every table of the lake with
 * the retention of {@code maintain.retention}, which it writes into each table's own properties, and
 * records each run in {@code gold.maintenance}; the nightly chain ends with it when
 * {@link io.catalogml.maintain.MaintainSchedule} says it is due.
 */
package io.catalogml.maintain;
