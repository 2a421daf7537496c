/**
 * What the server's HTML shows before the page's JavaScript runs: the frame of the page
 * about to open (OpenHEXA's sidebar; for a conversation, its list, its messages and the
 * composer), drawn in grey shapes. The page's data and language are only known in the
 * browser, so it holds no words: nothing in it needs translating, and nothing jumps when the
 * real page takes its place.
 */
import clsx from "clsx";

const Bar = ({ className }: { className?: string }) => <div className={clsx("rounded bg-gray-200", className)} />;

/** Rows of a list (the conversations, beside the chat or on their page). */
const ListRows = ({ rows, className }: { rows: number; className?: string }) => (
  <div className={clsx("space-y-3", className)}>
    {Array.from({ length: rows }, (_, index) => (
      <div key={index} className="space-y-1.5">
        <Bar className={clsx("h-3", index % 2 ? "w-2/3" : "w-4/5")} />
        <Bar className="h-2 w-1/3 bg-gray-100" />
      </div>
    ))}
  </div>
);

/** One conversation: the link back to the list, the list beside the chat (wide screens), the chat. */
const ConversationSkeleton = () => (
  <>
    <div className="border-b border-gray-200 bg-white px-4 py-3 sm:px-6">
      <Bar className="h-3 w-36" />
    </div>
    <div className="flex min-h-0 flex-1">
      <div className="hidden w-64 shrink-0 flex-col border-r border-gray-200 bg-white p-4 xl:flex">
        <Bar className="mb-5 h-8 w-full bg-gray-100" />
        <ListRows rows={6} />
      </div>
      <div className="flex min-w-0 flex-1 flex-col">
        <div className="border-b border-gray-200 bg-white px-4 py-4 sm:px-6">
          <Bar className="h-4 w-1/2 max-w-sm" />
        </div>
        <div className="min-h-0 flex-1 overflow-hidden bg-gray-50">
          <div className="mx-auto max-w-4xl space-y-5 px-4 py-6 sm:px-6">
            <div className="flex justify-end">
              <Bar className="h-9 w-3/5 max-w-md rounded-2xl bg-blue-100" />
            </div>
            <div className="space-y-2 rounded-lg bg-white p-4 ring-1 ring-gray-200">
              <Bar className="h-3 w-11/12" />
              <Bar className="h-3 w-4/5" />
              <Bar className="h-3 w-2/3" />
            </div>
          </div>
        </div>
        <div className="border-t border-gray-200 bg-white px-4 pt-3 pb-2 sm:px-6">
          <div className="mx-auto flex max-w-4xl items-end gap-2">
            <div className="h-[62px] flex-1 rounded-lg border border-gray-300 bg-white shadow-xs" data-testid="composer-skeleton" />
            <Bar className="mb-6 h-9 w-16 rounded-md bg-blue-200" />
          </div>
        </div>
      </div>
    </div>
  </>
);

/** Another page of a workspace (its conversations, settings, clients): a title over a list. */
const ListPageSkeleton = () => (
  <div className="mx-auto w-full max-w-5xl px-4 py-6 sm:px-6 sm:py-8">
    <Bar className="h-6 w-40" />
    <Bar className="mt-2 h-3 w-72 max-w-full bg-gray-100" />
    <div className="mt-6 rounded-lg bg-white p-5 shadow-xs ring-1 ring-gray-200">
      <ListRows rows={5} />
    </div>
  </div>
);

/** The page at `pathname` (the route, e.g. `/workspaces/[slug]/assistant/[conversationId]`) as grey shapes. */
const PageSkeleton = ({ pathname }: { pathname: string }) => {
  if (!pathname.startsWith("/workspaces")) {
    // the login page and the landing redirect: the name over an empty card
    return (
      <div className="flex min-h-full items-center justify-center bg-gray-50 px-4 py-12" aria-busy="true">
        <div className="w-full max-w-sm">
          <p className="text-center text-2xl font-bold tracking-tight text-gray-900">OpenHEXA</p>
          <div className="mt-10 h-64 rounded-lg bg-white shadow-sm ring-1 ring-gray-200" />
        </div>
      </div>
    );
  }
  return (
    <div className="flex h-full flex-col md:flex-row" aria-busy="true" data-testid="page-skeleton">
      <div className="flex items-center gap-3 bg-gray-800 px-3 py-2 md:hidden">
        <div className="h-7 w-20 rounded-md ring-1 ring-gray-600" />
        <span className="text-sm font-medium text-white">OpenHEXA</span>
      </div>
      <div className="hidden w-60 shrink-0 flex-col bg-gray-800 md:flex">
        <p className="px-5 py-5 text-lg font-bold tracking-tight text-white">OpenHEXA</p>
        <div className="space-y-3 px-5">
          <Bar className="h-2.5 w-20 bg-gray-600" />
          <Bar className="h-3 w-32 bg-gray-600" />
          <Bar className="mt-4 h-8 w-full bg-gray-900" />
        </div>
      </div>
      <div className="flex min-h-0 min-w-0 flex-1 flex-col md:h-full">
        {pathname === "/workspaces/[slug]/assistant/[conversationId]" ? <ConversationSkeleton /> : <ListPageSkeleton />}
      </div>
    </div>
  );
};

export default PageSkeleton;
