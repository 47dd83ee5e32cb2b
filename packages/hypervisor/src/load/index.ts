export { SlidingWindow, type Point } from './window.js'
export { LoadTracker, domainMemoryKiB, type DomainLoad, type HostLoad } from './tracker.js'
export { HysteresisDetector, type HysteresisOptions, type HysteresisState } from './hysteresis.js'
