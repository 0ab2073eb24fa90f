/** Shapes shared by the application components. */

/** A matter as the lists show it (from a guide result or an application). */
export interface MatterItem {
  code: string;
  name: string;
  departmentName: string;
  reason: string;
  prerequisites: string[];
  mandatory?: boolean;
  deficiencyAllowed?: boolean;
  /** e.g. "3 个工作日" */
  limit?: string;
  materials?: number;
}
