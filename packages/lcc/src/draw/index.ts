// Diagrams behind `parley im draw`: role state diagrams and message sequence diagrams.
export { draw } from './draw.js'
export type { DrawFormat, DrawKind, DrawOptions } from './draw.js'
export { roleGraph } from './role-graph.js'
export type { RoleEdge, RoleGraph, RoleNode } from './role-graph.js'
