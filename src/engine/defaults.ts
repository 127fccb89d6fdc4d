/** Files larger than this many bytes are skipped (with a note), unless a scan says otherwise. */
export const DEFAULT_MAX_FILE_SIZE = 25 * 1024 * 1024;
