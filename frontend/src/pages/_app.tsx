import "styles/globals.css";
import { ApolloProvider } from "@apollo/client";
import type { AppProps } from "next/app";
import { useEffect, useState } from "react";
import { getApolloClient } from "core/helpers/apollo";
import { browserLanguages, chooseLanguage, setLanguage } from "core/helpers/i18n";

export default function App({ Component, pageProps }: AppProps) {
  // Data is fetched in the browser only (with the session cookie): nothing renders on the
  // server but the empty frame.
  const [mounted, setMounted] = useState(false);
  // Until the user's own setting is known (AppLayout), the page speaks the browser's language.
  useEffect(() => {
    void setLanguage(chooseLanguage(null, browserLanguages())).then(() => setMounted(true));
  }, []);
  if (!mounted) return null;
  return (
    <ApolloProvider client={getApolloClient()}>
      <Component {...pageProps} />
    </ApolloProvider>
  );
}
