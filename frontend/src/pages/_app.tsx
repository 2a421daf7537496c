import "styles/globals.css";
import { ApolloProvider } from "@apollo/client";
import type { AppProps } from "next/app";
import { useEffect, useState } from "react";
import { getApolloClient } from "core/helpers/apollo";
import { browserLanguages, chooseLanguage, setLanguage } from "core/helpers/i18n";
import PageSkeleton from "core/layouts/PageSkeleton";

export default function App({ Component, pageProps, router }: AppProps) {
  // Data is fetched in the browser only (with the session cookie): the server renders the
  // page's frame in grey shapes, drawn before the JavaScript has arrived.
  const [mounted, setMounted] = useState(false);
  // Until the user's own setting is known (AppLayout), the page speaks the browser's language.
  useEffect(() => {
    void setLanguage(chooseLanguage(null, browserLanguages())).then(() => setMounted(true));
  }, []);
  if (!mounted) return <PageSkeleton pathname={router.pathname} />;
  return (
    <ApolloProvider client={getApolloClient()}>
      <Component {...pageProps} />
    </ApolloProvider>
  );
}
