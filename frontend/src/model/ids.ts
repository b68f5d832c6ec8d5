/** Ids the server accepts: node ids match ^[A-Za-z][A-Za-z0-9_-]{0,79}$. */

function uuidHex(): string {
  return crypto.randomUUID().replace(/-/g, "");
}

export function newNodeId(): string {
  return `n_${uuidHex()}`;
}

export function newEdgeId(): string {
  return `e_${uuidHex()}`;
}

export function newRouteId(): string {
  return `r_${uuidHex()}`;
}

export function newFanoutId(): string {
  return `f_${uuidHex()}`;
}

export function newRequestId(): string {
  return crypto.randomUUID();
}
