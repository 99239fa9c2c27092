// Echo function on the real Node FDK (@fnproject/fdk), for interoperability tests.
// - input starting with "!headers": a JSON object describing what the FDK saw:
//   { headers, callId, deadline, gateway? { method, requestURL, headers } } (gateway only for Fn-Intent: httprequest)
// - anything else: echoed verbatim as application/octet-stream.
const fdk = require('@fnproject/fdk')

fdk.handle((input, ctx) => {
  if (input.toString('utf8').startsWith('!headers')) {
    ctx.responseContentType = 'application/json'
    const seen = {
      headers: ctx.headers,
      callId: ctx.callID,
      deadline: ctx.getHeader('Fn-Deadline')
    }
    if ((ctx.getHeader('Fn-Intent') || '').toLowerCase() === 'httprequest') {
      const gateway = ctx.httpGateway
      seen.gateway = { method: gateway.method, requestURL: gateway.requestURL, headers: gateway.headers }
    }
    return seen
  }
  ctx.responseContentType = 'application/octet-stream'
  return input
}, { inputMode: 'buffer' })
