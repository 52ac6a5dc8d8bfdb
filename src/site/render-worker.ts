/**
 * The entry of a render worker (render-pool.ts): renders bodies and feed
 * documents off the service's event loop.
 */
import { answerTasks } from '../util/worker-pool.js'
import { render, type RenderRequest } from './renderer.js'

answerTasks<RenderRequest, ReturnType<typeof render>>(render)
