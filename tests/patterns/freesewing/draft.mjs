// Drafts FreeSewing top patterns (MIT licence, https://freesewing.eu) for a few body models and writes their
// geometry to geometry/<design>-<model>.json, in cm, for make_flats.py (which needs no node).
//
//   npm ci && node draft.mjs
//
// Per part: the seam outline as a polyline (curves flattened so that no chord strays more than 0.02 mm from the
// curve, chords at most 8 mm), the index of every
// outline vertex that is a named FreeSewing point, the named points themselves, and the rectangles' sizes; per
// file: design, package versions, body model, its measurements, the resolved options and the store's numbers.
// FreeSewing works in mm with x across and y down; everything here is divided by 10 (cm), degrees excepted.

import { readFileSync, mkdirSync, writeFileSync, readdirSync, unlinkSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Teagan } from '@freesewing/teagan'
import { Sven } from '@freesewing/sven'
import { Hugo } from '@freesewing/hugo'
import { Aaron } from '@freesewing/aaron'
import * as models from '@freesewing/models'

const HERE = dirname(fileURLToPath(import.meta.url))
const OUT = join(HERE, 'geometry')

// design key -> FreeSewing design, option overrides (none = defaults), parts to keep, body models
const PLAN = {
  teagan: {
    Design: Teagan,
    options: {},
    parts: ['teagan.front', 'teagan.back', 'teagan.sleeve'],
    models: ['cisFemaleAdult30', 'cisFemaleAdult38', 'cisMaleAdult40', 'cisMaleAdult50'],
  },
  // Teagan's own "fit to waist" option: a shaped (fitted) side seam
  teagan_fitted: {
    Design: Teagan,
    options: { fitWaist: true },
    parts: ['teagan.front', 'teagan.back', 'teagan.sleeve'],
    models: ['cisFemaleAdult34', 'cisFemaleAdult42'],
  },
  aaron: {
    Design: Aaron,
    options: {},
    parts: ['aaron.front', 'aaron.back', 'aaron.armBinding', 'aaron.neckBinding'],
    models: ['cisFemaleAdult28', 'cisFemaleAdult36', 'cisMaleAdult42', 'cisMaleAdult48'],
  },
  sven: {
    Design: Sven,
    options: {},
    parts: ['sven.front', 'sven.back', 'sven.sleeve', 'sven.cuff', 'sven.waistband'],
    models: ['cisFemaleAdult32', 'cisFemaleAdult40', 'cisMaleAdult38', 'cisMaleAdult50'],
  },
  // Sven with its "ribbing" option off: a hemmed long-sleeve top (Teagan's sleeveLength stops at the elbow)
  sven_noribbing: {
    Design: Sven,
    options: { ribbing: false },
    parts: ['sven.front', 'sven.back', 'sven.sleeve'],
    models: ['cisFemaleAdult34', 'cisMaleAdult36', 'cisMaleAdult44', 'cisMaleAdult48'],
  },
  hugo: {
    Design: Hugo,
    options: {},
    parts: [
      'hugo.front',
      'hugo.back',
      'hugo.sleeve',
      'hugo.pocket',
      'library.hoodSide',
      'library.hoodCenter',
      'hugo.waistband',
      'hugo.cuff',
      'hugo.neckBinding',
    ],
    models: ['cisFemaleAdult30', 'cisFemaleAdult42', 'cisMaleAdult40', 'cisMaleAdult50'],
    // Hugo splits its necklines at the raglan tips (the rest is on the sleeve): the whole curves, as Hugo draws
    // them before the split (front.mjs and back.mjs, `neckOpening`)
    curves: {
      'hugo.front': { neckline: ['cfNeck', 'cfNeckCp1', 'neckCp2', 'neck'] },
      'hugo.back': { neckline: ['cbNeck', 'cbNeck', 'neckCp2', 'neck'] },
    },
  },
}

const STEP_MM = 8.0 // the longest chord of a flattened curve
const TOL_MM = 0.02 // the farthest a chord may stray from the curve
const DEGREES = new Set(['shoulderSlope'])

const r2 = (v) => Math.round(v * 100) / 100 // cm to 0.1 mm
const r4 = (v) => Math.round(v * 10000) / 10000
const cm = (p) => [r2(p.x / 10), r2(p.y / 10)]
const cmExact = (p) => [r4(p.x / 10), r4(p.y / 10)]

function version(pkg) {
  return JSON.parse(readFileSync(join(HERE, 'node_modules', pkg, 'package.json'), 'utf8')).version
}

function bezier(p0, c1, c2, p1, t) {
  const u = 1 - t
  const a = u * u * u
  const b = 3 * u * u * t
  const c = 3 * u * t * t
  const d = t * t * t
  return { x: a * p0.x + b * c1.x + c * c2.x + d * p1.x, y: a * p0.y + b * c1.y + c * c2.y + d * p1.y }
}

const dist = (a, b) => Math.hypot(a.x - b.x, a.y - b.y)
const mid = (a, b) => ({ x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 })

// distance of p from the line through a and b
function offLine(p, a, b) {
  const l = dist(a, b)
  if (l < 1e-12) return dist(p, a)
  return Math.abs((b.x - a.x) * (a.y - p.y) - (a.x - p.x) * (b.y - a.y)) / l
}

// The interior points of a cubic bezier, flattened by de Casteljau subdivision until every piece's control
// points lie within TOL_MM of its chord (so the chord is within TOL_MM of the curve) and the chord is at most
// STEP_MM long.
function flattenCurve(p0, c1, c2, p1, depth = 0) {
  const flat = Math.max(offLine(c1, p0, p1), offLine(c2, p0, p1)) <= TOL_MM
  if ((flat && dist(p0, p1) <= STEP_MM) || depth > 16) return []
  const a = mid(p0, c1)
  const b = mid(c1, c2)
  const c = mid(c2, p1)
  const d = mid(a, b)
  const e = mid(b, c)
  const m = mid(d, e)
  return [...flattenCurve(p0, a, d, m, depth + 1), m, ...flattenCurve(m, e, c, p1, depth + 1)]
}

// The part's named points (helpers and macro points left out)
function namedPoints(part) {
  const out = {}
  for (const [name, p] of Object.entries(part.points)) {
    if (name.startsWith('_') || /macro|title|logo|scalebox|gridAnchor|anchor/i.test(name)) continue
    if (!Number.isFinite(p.x) || !Number.isFinite(p.y)) continue
    out[name] = p
  }
  return out
}

// Flatten a path's ops to one polyline; record which vertices are named points
function flatten(path, points) {
  const pts = []
  const vertices = []
  let cur = null
  let start = null
  const mark = (p) => {
    const names = Object.entries(points)
      .filter(([, q]) => Math.abs(q.x - p.x) < 1e-6 && Math.abs(q.y - p.y) < 1e-6)
      .map(([n]) => n)
      .sort()
    if (names.length) vertices.push({ index: pts.length - 1, names })
  }
  const push = (p) => {
    const last = pts[pts.length - 1]
    if (last && Math.abs(last.x - p.x) < 1e-9 && Math.abs(last.y - p.y) < 1e-9) return false
    pts.push({ x: p.x, y: p.y })
    return true
  }
  for (const op of path.ops) {
    if (op.type === 'move') {
      if (pts.length) throw new Error('a seam with more than one move')
      push(op.to)
      mark(op.to)
      cur = start = op.to
    } else if (op.type === 'line') {
      if (push(op.to)) mark(op.to)
      cur = op.to
    } else if (op.type === 'curve') {
      for (const p of flattenCurve(cur, op.cp1, op.cp2, op.to)) push(p)
      if (push(op.to)) mark(op.to)
      cur = op.to
    } else if (op.type === 'close') {
      const last = pts[pts.length - 1]
      if (dist(last, start) < 1e-6) {
        pts.pop()
        while (vertices.length && vertices[vertices.length - 1].index >= pts.length) vertices.pop()
      }
    } else throw new Error(`unknown op ${op.type}`)
  }
  return { outline: pts.map(cm), vertices }
}

function numbers(obj) {
  const out = {}
  for (const [k, v] of Object.entries(obj || {})) {
    if (typeof v === 'number' && Number.isFinite(v)) out[k] = r4(v)
    else if (typeof v === 'boolean') out[k] = v
  }
  return out
}

function draft(key, plan, modelName) {
  const mm = models[modelName]
  if (!mm) throw new Error(`no body model ${modelName}`)
  const pattern = new plan.Design({
    measurements: mm,
    options: plan.options,
    sa: 0,
    expand: true,
    complete: false,
  })
  pattern.draft()
  const parts = pattern.parts[0]
  const geometry = {}
  for (const name of plan.parts) {
    const part = parts[name]
    if (!part) throw new Error(`${key}: no part ${name}`)
    if (part.hidden) throw new Error(`${key}: part ${name} is hidden`)
    const seam = part.paths.seam
    if (!seam) throw new Error(`${key}: part ${name} has no seam`)
    const points = namedPoints(part)
    const { outline, vertices } = flatten(seam, points)
    const short = name.split('.').pop()
    const entry = { freesewing_part: name, outline, vertices }
    // the part's named points, in cm (only those on or near the piece; helpers far away are dropped)
    entry.points = {}
    for (const [n, p] of Object.entries(points)) entry.points[n] = cmExact(p)
    // closed sub-paths we use as interior lines (the kangaroo pocket, hood pieces)
    if (part.paths.pocket && short === 'pocket') entry.pocket = flatten(part.paths.pocket, points).outline
    for (const [cname, ids] of Object.entries(plan.curves?.[name] || {})) {
      const [a, b, c, d] = ids.map((id) => part.points[id])
      entry[cname] = [a, ...flattenCurve(a, b, c, d), d].map(cm)
    }
    geometry[short] = entry
  }
  const store = numbers(pattern.setStores[0])
  const measurements = {}
  for (const [k, v] of Object.entries(mm)) measurements[k] = DEGREES.has(k) ? v : r4(v / 10)
  const options = {}
  for (const [k, v] of Object.entries(pattern.settings[0].options)) {
    if (typeof v === 'number' || typeof v === 'boolean') options[k] = v
  }
  const designPkg = `@freesewing/${plan.Design.designConfig.data.id}`
  return {
    design: plan.Design.designConfig.data.id,
    key,
    model: modelName,
    units: 'cm (FreeSewing mm / 10); x across, y down; each piece in its own FreeSewing frame',
    versions: {
      [designPkg]: version(designPkg),
      '@freesewing/core': version('@freesewing/core'),
      '@freesewing/models': version('@freesewing/models'),
      node: process.versions.node,
    },
    licence: 'FreeSewing designs and models: MIT (c) Joost De Cock and contributors, https://freesewing.eu',
    option_overrides: plan.options,
    options,
    measurements,
    store: {
      ...Object.fromEntries(Object.entries(store).map(([k, v]) => [k, typeof v === 'number' ? r4(v / 10) : v])),
    },
    parts: geometry,
  }
}

mkdirSync(OUT, { recursive: true })
for (const f of readdirSync(OUT)) if (f.endsWith('.json')) unlinkSync(join(OUT, f))
let total = 0
for (const [key, plan] of Object.entries(PLAN)) {
  for (const modelName of plan.models) {
    const g = draft(key, plan, modelName)
    // one line per point array keeps the files small and still diffable
    const text = JSON.stringify(g) + '\n'
    const file = join(OUT, `${key}-${modelName}.json`)
    writeFileSync(file, text)
    total += text.length
    console.log(`${key}-${modelName}.json ${(text.length / 1024).toFixed(1)} KB`)
  }
}
console.log(`total ${(total / 1024).toFixed(1)} KB`)
