%% The boot module of maildock/rabbitmq:local (RABBITMQ_BOOT_MODULE): `-s maildock_boot boot`
%% loads the modules of rabbit, the enabled plugins and every application they need in one batch,
%% then boots RabbitMQ as `-s rabbit boot` does.
%%
%% While it boots, RabbitMQ reads the attributes of every module of its loaded applications (to
%% find feature flags and boot steps), which loads some 1,100 modules one at a time, each load a
%% search of the code path and a pause of every scheduler. code:ensure_modules_loaded/1 reads and
%% prepares them in parallel and finishes them together: alone on this 2-core machine the broker
%% took its AMQP listener up 1.7 s after `docker run` instead of 3.8 s, with 1.8 s of CPU instead
%% of 3.1 (bench/broker-boot.ts measures it again each run).
-module(maildock_boot).
-export([boot/0]).

boot() ->
    preload(),
    rabbit:boot().

%% A module that fails to load here is loaded when it is first called, as without this module.
preload() ->
    Apps = with_dependencies([rabbit | enabled_plugins()], []),
    Modules = lists:append([Ms || App <- Apps, {ok, Ms} <- [application:get_key(App, modules)]]),
    _ = code:ensure_modules_loaded(Modules),
    ok.

enabled_plugins() ->
    File = os:getenv("RABBITMQ_ENABLED_PLUGINS_FILE", "/etc/rabbitmq/enabled_plugins"),
    case file:consult(File) of
        {ok, [Plugins]} when is_list(Plugins) -> Plugins;
        _ -> []
    end.

%% The applications and every application they list as needed or included, loaded (not started).
with_dependencies([], Seen) ->
    Seen;
with_dependencies([App | Rest], Seen) ->
    case lists:member(App, Seen) of
        true ->
            with_dependencies(Rest, Seen);
        false ->
            _ = application:load(App),
            Needs = [Dep || Key <- [applications, included_applications],
                            {ok, Deps} <- [application:get_key(App, Key)], Dep <- Deps],
            with_dependencies(Needs ++ Rest, [App | Seen])
    end.
