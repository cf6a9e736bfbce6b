export default function HomePage() {
  return (
    <main className="mx-auto max-w-3xl p-8">
      <h1 className="text-3xl font-semibold">Token Service</h1>
      <p className="mt-4">An OAuth 2.x and OpenID Connect token service.</p>
      <a className="text-blue-700 underline" href="/.well-known/openid-configuration">Discovery document</a>
    </main>
  )
}
