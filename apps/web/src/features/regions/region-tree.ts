import type { RegionDto } from '@tongban/contracts';

export interface RegionNode extends RegionDto {
  children: RegionNode[];
}

/**
 * Builds the province → city → district tree from the flat list. A region whose parent is not in
 * the list is shown as a root rather than dropped, so nothing the server returns goes missing.
 */
export function buildRegionTree(items: readonly RegionDto[]): RegionNode[] {
  const nodes = new Map<string, RegionNode>();
  for (const r of items) nodes.set(r.code, { ...r, children: [] });
  const roots: RegionNode[] = [];
  for (const node of nodes.values()) {
    const parent = node.parentCode ? nodes.get(node.parentCode) : undefined;
    if (parent && parent !== node) parent.children.push(node);
    else roots.push(node);
  }
  const sort = (list: RegionNode[]) => {
    list.sort((a, b) => a.code.localeCompare(b.code));
    for (const n of list) sort(n.children);
  };
  sort(roots);
  return roots;
}

/** GB/T 2260 division code, the same pattern as the server's RegionCode schema. */
export const REGION_CODE_PATTERN = /^[1-9][0-9]{5}$/;
