/**
 * The archive of runs' logs: one append blob per run, in the storage account's log container.
 * Appends are conditioned on the archive's size as the writer last knew it, so two replicas
 * copying one run never interleave: the second's append fails as a `StoreConflict`, and it reads
 * the archive's end again.
 */
export interface LogArchive {
  /** Creates the log container when it is missing; idempotent. */
  prepare(): Promise<void>;
  /** The archive's size and its last lines (up to about `maxBytes` of them); undefined when there is none. */
  tail(runId: string, maxBytes: number): Promise<ArchiveEnd | undefined>;
  /** Creates a run's archive, empty, unless it is there; an append at 0 then needs no create. */
  create(runId: string): Promise<void>;
  /**
   * Appends whole lines at `position` (the archive's size as known; 0 creates it). Throws
   * `StoreConflict` when the archive is not that size any more.
   */
  append(runId: string, lines: readonly string[], position: number): Promise<void>;
  /** The archive from byte `from` to its end, cut after its last newline; undefined when there is none. */
  read(runId: string, from: number): Promise<ArchiveRead | undefined>;
  /** Deletes a run's archive; one already gone is fine. */
  remove(runId: string): Promise<void>;
  /** The run ids of the archives there are, in any order. */
  runs(): AsyncIterable<string>;
}

export interface ArchiveEnd {
  bytes: number;
  /** the whole lines of the range read, the cut piece at its start left out */
  lines: string[];
  /** whether the range began at the archive's start */
  fromStart: boolean;
}

export interface ArchiveRead {
  /** whole lines, each ending with a newline */
  text: string;
  /** the byte just past `text`: where the next read starts */
  end: number;
}
