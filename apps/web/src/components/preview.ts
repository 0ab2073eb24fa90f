/** A file to show in DocumentPreview. */
export interface PreviewDoc {
  name: string;
  /** Where the browser shows the file inline. */
  url: string;
  contentType: string;
  /** Where it downloads it, when not `url`. */
  downloadUrl?: string;
}
