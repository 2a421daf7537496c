import clsx from "clsx";
import Head from "next/head";
import Link from "next/link";
import { useRouter } from "next/router";
import { ReactNode, useEffect, useLayoutEffect, useRef, useState } from "react";
import { useApolloClient } from "@apollo/client";
import Spinner from "core/components/Spinner";
import { useRequireUser } from "core/helpers/auth";
import { browserLanguages, chooseLanguage, setLanguage, useTranslation } from "core/helpers/i18n";
import LanguageSwitch from "identity/features/LanguageSwitch";
import { useLogoutMutation } from "identity/graphql/queries.generated";

type AppLayoutProps = {
  title: string;
  workspace?: { slug: string; name: string } | null;
  children: ReactNode;
  /** The content manages its own scrolling (the chat). */
  fullHeight?: boolean;
};

/** OpenHEXA's frame: a dark sidebar with the workspace and its sections, the page on the right. */
const AppLayout = ({ title, workspace, children, fullHeight }: AppLayoutProps) => {
  const { t } = useTranslation();
  const router = useRouter();
  const client = useApolloClient();
  const { user, loading } = useRequireUser();
  const [logout] = useLogoutMutation();

  // The page speaks the language saved on the user's account (before the browser paints).
  const userLanguage = user?.language;
  useLayoutEffect(() => {
    if (userLanguage) void setLanguage(chooseLanguage(userLanguage, browserLanguages()));
  }, [userLanguage]);

  const onLogout = async () => {
    await logout();
    await client.clearStore();
    await setLanguage(chooseLanguage(null, browserLanguages()));
    router.push("/login");
  };

  const assistantHref = workspace ? `/workspaces/${encodeURIComponent(workspace.slug)}/assistant` : null;

  // Under 768 px the navigation is a drawer, opened from the top bar.
  const [navOpen, setNavOpen] = useState(false);
  const menuButton = useRef<HTMLButtonElement>(null);
  const nav = useRef<HTMLElement>(null);
  useEffect(() => setNavOpen(false), [router.asPath]);
  useEffect(() => {
    if (!navOpen) return;
    nav.current?.querySelector<HTMLElement>("a, button")?.focus();
    const onKey = (event: globalThis.KeyboardEvent) => {
      if (event.key === "Escape") {
        setNavOpen(false);
        menuButton.current?.focus();
      }
    };
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, [navOpen]);

  return (
    <div className="flex h-full flex-col md:flex-row">
      <Head>
        <title>{`${title} · OpenHEXA`}</title>
      </Head>
      <a
        href="#main"
        className="sr-only focus:not-sr-only focus:absolute focus:top-2 focus:left-2 focus:z-50 focus:rounded focus:bg-white focus:px-3 focus:py-2 focus:text-sm"
      >
        {t("Skip to content")}
      </a>
      <div className="flex items-center gap-3 bg-gray-800 px-3 py-2 text-white md:hidden">
        <button
          ref={menuButton}
          type="button"
          onClick={() => setNavOpen((open) => !open)}
          aria-expanded={navOpen}
          aria-controls="main-navigation"
          className="rounded-md px-2 py-1 text-sm font-medium ring-1 ring-gray-600 focus:outline-none focus-visible:ring-2 focus-visible:ring-white"
        >
          <span aria-hidden="true">☰</span> {t("Menu")}
        </button>
        <span className="truncate text-sm font-medium">{workspace?.name ?? "OpenHEXA"}</span>
      </div>
      {navOpen ? (
        <div aria-hidden="true" className="fixed inset-0 z-30 bg-gray-900/50 md:hidden" onClick={() => setNavOpen(false)} />
      ) : null}
      <nav
        ref={nav}
        id="main-navigation"
        aria-label={t("Main")}
        className={clsx(
          "w-60 shrink-0 flex-col bg-gray-800 text-gray-300 md:static md:flex",
          navOpen ? "fixed inset-y-0 left-0 z-40 flex shadow-xl" : "hidden",
        )}
      >
        <div className="px-5 py-5">
          <Link href="/workspaces" className="text-lg font-bold tracking-tight text-white focus:outline-none focus-visible:ring-2 focus-visible:ring-white rounded-sm">
            OpenHEXA
          </Link>
        </div>
        {workspace && (
          <div className="px-3">
            <p className="px-2 text-xs font-medium tracking-wide text-gray-300 uppercase">{t("Workspace")}</p>
            <p className="mt-1 truncate px-2 text-sm font-medium text-white">{workspace.name}</p>
            <ul className="mt-4 space-y-1">
              <li>
                <Link
                  href={assistantHref!}
                  aria-current={router.pathname.startsWith("/workspaces/[slug]/assistant") ? "page" : undefined}
                  className={clsx(
                    "flex items-center gap-2 rounded-md px-2 py-2 text-sm font-medium focus:outline-none focus-visible:ring-2 focus-visible:ring-white",
                    router.pathname.startsWith("/workspaces/[slug]/assistant")
                      ? "bg-gray-900 text-white"
                      : "hover:bg-gray-700 hover:text-white",
                  )}
                >
                  <span aria-hidden="true">✦</span>
                  {t("Assistant")}
                </Link>
              </li>
            </ul>
          </div>
        )}
        <div className="mt-auto border-t border-gray-700 px-5 py-4 text-sm">
          {user ? (
            <>
              <p className="truncate text-gray-200" title={user.email}>
                {user.displayName || user.email}
              </p>
              <button
                type="button"
                onClick={onLogout}
                className="mt-1 text-xs text-gray-300 hover:text-white focus:outline-none focus-visible:ring-2 focus-visible:ring-white rounded-sm"
              >
                {t("Log out")}
              </button>
              <LanguageSwitch />
            </>
          ) : null}
        </div>
      </nav>
      <main id="main" className={clsx("flex min-h-0 min-w-0 flex-1 flex-col", fullHeight ? "md:h-full" : "overflow-y-auto")}>
        {loading || !user ? (
          <div className="flex flex-1 items-center justify-center text-gray-500">
            <Spinner label={t("Loading")} />
          </div>
        ) : (
          children
        )}
      </main>
    </div>
  );
};

export default AppLayout;
