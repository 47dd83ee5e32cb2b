export { layout, palette, type PlotInput, type Layout } from './layout.js'
export { renderSvg, escapeXml } from './svg.js'
export { renderPng, encodePng, crc32, PNG_SIGNATURE } from './png.js'
export { Canvas } from './raster.js'
