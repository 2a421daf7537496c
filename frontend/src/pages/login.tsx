import { useApolloClient } from "@apollo/client";
import Head from "next/head";
import { useRouter } from "next/router";
import { FormEvent, useState } from "react";
import Button from "core/components/Button";
import Spinner from "core/components/Spinner";
import { landingPath, safeNext } from "core/helpers/auth";
import { useTranslation } from "core/helpers/i18n";
import { useLoginMutation } from "identity/graphql/queries.generated";
import { describeLoginError } from "identity/helpers/loginErrors";

export default function LoginPage() {
  const { t } = useTranslation();
  const router = useRouter();
  const client = useApolloClient();
  const [login, { loading }] = useLoginMutation();
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<string | null>(null);

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    try {
      const result = await login({ variables: { input: { email, password } } });
      const outcome = result.data?.login;
      if (!outcome?.success) {
        setError(describeLoginError(outcome?.errors ?? [], outcome?.retryAfter));
        return;
      }
      await client.resetStore().catch(() => undefined);
      const next = safeNext(router.query.next);
      if (next) {
        router.replace(next);
        return;
      }
      router.replace(await landingPath(client));
    } catch {
      setError(t("The server could not be reached. Try again."));
    }
  };

  return (
    <div className="flex min-h-full items-center justify-center bg-gray-50 px-4 py-12">
      <Head>
        <title>{`${t("Log in")} · OpenHEXA`}</title>
      </Head>
      <main className="w-full max-w-sm">
        <p className="text-center text-2xl font-bold tracking-tight text-gray-900">OpenHEXA</p>
        <h1 className="mt-2 text-center text-sm text-gray-600">{t("Log in to your account")}</h1>
        <form onSubmit={onSubmit} className="mt-8 space-y-4 rounded-lg bg-white p-6 shadow-sm ring-1 ring-gray-200">
          <div>
            <label htmlFor="email" className="block text-sm font-medium text-gray-700">
              {t("Email")}
            </label>
            <input
              id="email"
              name="email"
              type="email"
              autoComplete="email"
              required
              value={email}
              onChange={(event) => setEmail(event.target.value)}
              className="mt-1 block w-full rounded-md border border-gray-300 px-3 py-2 text-sm shadow-xs focus:border-blue-500 focus:ring-2 focus:ring-blue-500 focus:outline-none"
            />
          </div>
          <div>
            <label htmlFor="password" className="block text-sm font-medium text-gray-700">
              {t("Password")}
            </label>
            <input
              id="password"
              name="password"
              type="password"
              autoComplete="current-password"
              required
              value={password}
              onChange={(event) => setPassword(event.target.value)}
              className="mt-1 block w-full rounded-md border border-gray-300 px-3 py-2 text-sm shadow-xs focus:border-blue-500 focus:ring-2 focus:ring-blue-500 focus:outline-none"
            />
          </div>
          {error ? (
            <p role="alert" className="text-sm text-red-700">
              {error}
            </p>
          ) : null}
          <Button type="submit" size="lg" className="w-full" disabled={loading}>
            {loading ? <Spinner /> : null}
            {t("Log in")}
          </Button>
        </form>
      </main>
    </div>
  );
}
