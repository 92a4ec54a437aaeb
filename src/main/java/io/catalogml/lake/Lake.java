package io.catalogml.lake;

import io.catalogml.config.CatalogConfig;
import java.io.Serializable;
import org.apache.hadoop.fs.Path;

/**
 * The table catalogue: maps logical table names ({@code bronze.products}) to Delta table
 * locations under the lake root ({@code <root>/bronze/products}). Every stage finds its tables
 * here, so moving the lake is one setting.
 */
public final class Lake implements Serializable {
  private final String root;
  private final CatalogConfig.TableNames names;

  public Lake(String root, CatalogConfig.TableNames names) {
    this.root = root;
    this.names = names;
  }

  /** The lake of a run's configuration. */
  public static Lake of(CatalogConfig config) {
    return new Lake(config.lake().root(), config.tables());
  }

  /** Location of a logical table name. */
  public String location(String tableName) {
    return new Path(qualifiedRoot(), tableName.replace('.', '/')).toString();
  }

  /** Location of the products table. */
  public String products() {
    return location(names.products());
  }

  /** Location of the quarantine table. */
  public String quarantine() {
    return location(names.quarantine());
  }

  /** Location of the features table. */
  public String features() {
    return location(names.features());
  }

  /** Location of the predictions table. */
  public String predictions() {
    return location(names.predictions());
  }

  /** Location of the score quarantine table. */
  public String scoreQuarantine() {
    return location(names.scoreQuarantine());
  }

  /** Location of the monitor job's nightly table. */
  public String monitoring() {
    return location(names.monitoring());
  }

  /** Location of the monitor job's per-class table. */
  public String monitoringClasses() {
    return location(names.monitoringClasses());
  }

  /** Location of the label corrections table. */
  public String feedback() {
    return location(names.feedback());
  }

  /** Location of the rejected corrections table. */
  public String feedbackQuarantine() {
    return location(names.feedbackQuarantine());
  }

  /** Location of the nightly review list. */
  public String review() {
    return location(names.review());
  }

  /** Location of the maintain job's table: one row per table and run. */
  public String maintenance() {
    return location(names.maintenance());
  }

  /** Every table the jobs write ({@link CatalogConfig.TableNames#all()}), logical name → location, in the order of the flow. */
  public java.util.Map<String, String> tables() {
    java.util.Map<String, String> all = new java.util.LinkedHashMap<>();
    for (String name : names.all()) {
      all.put(name, location(name));
    }
    return java.util.Collections.unmodifiableMap(all);
  }

  /** Folder of the monitor job's reports ({@code <root>/reports/monitor}), beside the tables. */
  public String monitorReports() {
    return new Path(qualifiedRoot(), "reports/monitor").toString();
  }

  /** Logical table names. */
  public CatalogConfig.TableNames names() {
    return names;
  }

  private String qualifiedRoot() {
    Path p = new Path(root);
    if (p.toUri().getScheme() != null) {
      return root;
    }
    return new Path(java.nio.file.Path.of(root).toAbsolutePath().normalize().toUri()).toString();
  }
}
