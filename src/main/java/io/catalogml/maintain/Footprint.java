package io.catalogml.maintain;

/**
 * What a table holds at one moment: the files and bytes of its current snapshot (what a reader
 * reads) and of every data file in its folder (what the store keeps: older versions and the change
 * data feed included, the transaction log not).
 *
 * @param snapshotFiles data files of the current version
 * @param snapshotBytes their bytes
 * @param storedFiles data files in the table's folder, of any version
 * @param storedBytes their bytes
 */
public record Footprint(long snapshotFiles, long snapshotBytes, long storedFiles, long storedBytes) {
  /** Nothing. */
  public static final Footprint NONE = new Footprint(0, 0, 0, 0);

  /** This footprint and {@code other} together. */
  public Footprint plus(Footprint other) {
    return new Footprint(snapshotFiles + other.snapshotFiles, snapshotBytes + other.snapshotBytes,
        storedFiles + other.storedFiles, storedBytes + other.storedBytes);
  }
}
