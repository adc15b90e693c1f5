import { Hugo } from '@freesewing/hugo'
import { Sven } from '@freesewing/sven'
import { cisMaleAdult40 } from '@freesewing/models'
const p = new Hugo({ measurements: cisMaleAdult40, expand: true, complete: false, sa: 0 })
p.draft()
const f = p.parts[0]['hugo.front']
console.log(f.paths.seam.ops.map(o => o.type + ':' + (o.to ? o.to.name : '')).join(' '))
const s = p.parts[0]['hugo.sleeve']
console.log(s.paths.seam.ops.map(o => o.type + ':' + (o.to ? o.to.name : '')).join(' '))
console.log(Object.keys(p.config), Object.keys(p.config.options).length)
console.log(JSON.stringify(p.config.options).slice(0, 600))
console.log(p.settings[0])
const nb = p.parts[0]['hugo.neckBinding']
console.log(JSON.stringify(nb.points.bottomRight))
const q = new Sven({ measurements: cisMaleAdult40, expand: true, complete: false, sa: 0 , options: {ribbing: false}})
q.draft()
const sf = q.parts[0]['sven.front']
console.log(sf.paths.seam.ops.map(o => o.type + ':' + (o.to ? o.to.name : '')).join(' '))
console.log(Object.keys(q.parts[0]).filter(k=>!q.parts[0][k].hidden))
console.log(JSON.stringify(q.parts[0]['sven.sleeve'].points.wristLeft), JSON.stringify(sf.points.hem))
