/** Why an upload is refused; each code has a message a person can act on. */
export type KmzRejectionCode =
  | 'empty_file'
  | 'not_a_zip'
  | 'corrupt_archive'
  | 'too_many_entries'
  | 'too_large_uncompressed'
  | 'compression_ratio'
  | 'unsafe_entry_name'
  | 'encrypted_entry'
  | 'duplicate_entry'
  | 'missing_wayline_files'
  | 'malformed_xml'
  | 'not_a_wayline'
  | 'empty_wayline'
  | 'inspection_timeout';

export class KmzRejectedError extends Error {
  constructor(
    readonly code: KmzRejectionCode,
    message: string,
  ) {
    super(message);
    this.name = 'KmzRejectedError';
  }
}
