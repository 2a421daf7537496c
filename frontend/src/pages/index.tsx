import { useApolloClient } from "@apollo/client";
import { useRouter } from "next/router";
import { useEffect } from "react";
import Spinner from "core/components/Spinner";
import { landingPath } from "core/helpers/auth";
import { useTranslation } from "core/helpers/i18n";
import { useMeQuery } from "identity/graphql/queries.generated";

/** Logged in: the assistant (or the workspace picker); otherwise the login page. */
export default function Home() {
  const { t } = useTranslation();
  const router = useRouter();
  const client = useApolloClient();
  const { data } = useMeQuery({ fetchPolicy: "network-only" });
  useEffect(() => {
    if (!data) return;
    if (!data.me.user) router.replace("/login");
    else landingPath(client).then((path) => router.replace(path), () => router.replace("/workspaces"));
  }, [data, router, client]);
  return (
    <div className="flex h-full items-center justify-center text-gray-500">
      <Spinner label={t("Loading")} />
    </div>
  );
}
