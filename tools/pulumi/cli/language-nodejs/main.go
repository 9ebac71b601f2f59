// Command pulumi-language-nodejs is a small Node.js language host for the Pulumi CLI.
//
// Why it exists: upstream's host lives in its own Go module
// (github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3), which the Go module proxy
// reachable here does not serve at any version, so it cannot be built from the proxy. The CLI finds a
// language host by name on $PATH, and the work of running a program is done by the Node.js SDK's own
// entry points (@pulumi/pulumi/cmd/run for programs, @pulumi/pulumi/cmd/run-policy-pack for policy
// packs). This host implements only what `pulumi up/preview/destroy` and `--policy-pack` call:
// Handshake, GetPluginInfo, GetRequiredPackages/Plugins, Run and RunPlugin. Everything else (code
// generation, packing, `pulumi new`) answers Unimplemented.
//
// The command-line contract (engine address as the first argument, port printed on stdout) and the
// arguments and environment passed to the SDK's entry points follow pkg/resource/plugin/langruntime_plugin.go
// and the SDK's cmd/run argument parser.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"

	"google.golang.org/protobuf/types/known/emptypb"

	sdk "github.com/pulumi/pulumi/sdk/v3"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/config"
	"github.com/pulumi/pulumi/sdk/v3/go/common/util/cmdutil"
	"github.com/pulumi/pulumi/sdk/v3/go/common/util/rpcutil"
	"github.com/pulumi/pulumi/sdk/v3/go/common/version"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc"
)

// The Node.js SDK exits with this code after it has already printed an error meant for the user; the
// engine is then told to bail without adding a second message (see the SDK's cmd/run).
const exitedAfterUserMessage = 32

type host struct {
	pulumirpc.UnimplementedLanguageRuntimeServer
	engineAddress string
}

func main() {
	flag.String("tracing", "", "ignored: tracing is not supported by this host")
	flag.String("runtime", "nodejs", "ignored: only nodejs is supported")
	showVersion := flag.Bool("version", false, "print the version and exit")
	flag.Parse()
	if *showVersion {
		fmt.Println(version.Version)
		return
	}
	h := &host{}
	if flag.NArg() > 0 {
		h.engineAddress = flag.Arg(0)
	}
	handle, err := rpcutil.ServeWithOptions(rpcutil.ServeOptions{
		Init: func(srv *grpc.Server) error {
			pulumirpc.RegisterLanguageRuntimeServer(srv, h)
			return nil
		},
	})
	if err != nil {
		cmdutil.Exit(fmt.Errorf("could not start the language host: %w", err))
	}
	fmt.Printf("%d\n", handle.Port)
	if err := <-handle.Done; err != nil {
		cmdutil.Exit(fmt.Errorf("language host stopped serving: %w", err))
	}
}

func (h *host) Handshake(
	_ context.Context, req *pulumirpc.LanguageHandshakeRequest,
) (*pulumirpc.LanguageHandshakeResponse, error) {
	h.engineAddress = req.GetEngineAddress()
	return &pulumirpc.LanguageHandshakeResponse{}, nil
}

func (h *host) GetPluginInfo(context.Context, *emptypb.Empty) (*pulumirpc.PluginInfo, error) {
	return &pulumirpc.PluginInfo{Version: version.Version}, nil
}

// No plugins are declared: the engine loads each provider a resource registration names, and finds it on
// $PATH (.tools/bin) as an ambient plugin, so nothing is downloaded.
func (h *host) GetRequiredPackages(
	context.Context, *pulumirpc.GetRequiredPackagesRequest,
) (*pulumirpc.GetRequiredPackagesResponse, error) {
	return &pulumirpc.GetRequiredPackagesResponse{}, nil
}

func (h *host) GetRequiredPlugins(
	context.Context, *pulumirpc.GetRequiredPluginsRequest,
) (*pulumirpc.GetRequiredPluginsResponse, error) {
	return &pulumirpc.GetRequiredPluginsResponse{}, nil
}

func (h *host) Run(ctx context.Context, req *pulumirpc.RunRequest) (*pulumirpc.RunResponse, error) {
	info := req.GetInfo()
	runScript, err := resolveModule(ctx, "@pulumi/pulumi/cmd/run", info.GetProgramDirectory())
	if err != nil {
		return &pulumirpc.RunResponse{Error: err.Error()}, nil
	}
	args := []string{runScript}
	flagArg := func(name, value string) {
		if value != "" {
			args = append(args, "--"+name, value)
		}
	}
	flagArg("monitor", req.GetMonitorAddress())
	flagArg("engine", h.engineAddress)
	flagArg("organization", req.GetOrganization())
	flagArg("project", req.GetProject())
	flagArg("root-directory", info.GetRootDirectory())
	flagArg("stack", req.GetStack())
	flagArg("pwd", info.GetProgramDirectory())
	if req.GetDryRun() {
		args = append(args, "--dry-run")
	}
	flagArg("parallel", strconv.Itoa(int(req.GetParallel())))
	args = append(args, info.GetEntryPoint())
	args = append(args, req.GetArgs()...)

	configJSON, err := programConfig(req.GetConfig())
	if err != nil {
		return &pulumirpc.RunResponse{Error: err.Error()}, nil
	}
	secretKeys, err := json.Marshal(nonNil(req.GetConfigSecretKeys()))
	if err != nil {
		return &pulumirpc.RunResponse{Error: err.Error()}, nil
	}
	env := append(os.Environ(), "PULUMI_CONFIG="+configJSON, "PULUMI_CONFIG_SECRET_KEYS="+string(secretKeys))
	env = append(env, typescriptEnv(info)...)

	cmd := exec.CommandContext(ctx, "node", args...)
	cmd.Env = env
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	if err := cmd.Run(); err != nil {
		var exitErr *exec.ExitError
		if errors.As(err, &exitErr) && exitErr.ExitCode() == exitedAfterUserMessage {
			return &pulumirpc.RunResponse{Bail: true}, nil
		}
		if errors.As(err, &exitErr) {
			return &pulumirpc.RunResponse{
				Error: fmt.Sprintf("Program exited with non-zero exit code: %d", exitErr.ExitCode()),
			}, nil
		}
		return &pulumirpc.RunResponse{Error: fmt.Sprintf("could not run node: %v", err)}, nil
	}
	return &pulumirpc.RunResponse{}, nil
}

// RunPlugin runs a Node.js plugin; for a policy pack (kind "analyzer") that is the SDK's
// run-policy-pack entry point behind the SDK's PolicyProxy, which answers the engine's Handshake and
// ConfigureStack itself and passes the stack's identity and config to the pack through the environment.
func (h *host) RunPlugin(req *pulumirpc.RunPluginRequest, server pulumirpc.LanguageRuntime_RunPluginServer) error {
	ctx := server.Context()
	info := req.GetInfo()
	closer, stdout, stderr, err := rpcutil.MakeRunPluginStreams(server, false)
	if err != nil {
		return err
	}
	defer closer.Close()

	isPolicyPack := req.GetKind() == string(apitype.AnalyzerPlugin)
	entry := "@pulumi/pulumi/cmd/run-plugin"
	if isPolicyPack {
		entry = "@pulumi/pulumi/cmd/run-policy-pack"
	}
	script, err := resolveModule(ctx, entry, info.GetProgramDirectory())
	if err != nil {
		return err
	}
	args := []string{script}
	if isPolicyPack {
		args = append(append(args, req.GetArgs()...), info.GetProgramDirectory())
	} else {
		args = append(append(args, info.GetProgramDirectory()), req.GetArgs()...)
	}
	env := append(req.GetEnv(), typescriptEnv(info)...)

	var proxy *sdk.PolicyProxy
	if isPolicyPack {
		proxy, stdout, err = sdk.NewPolicyProxy(ctx, stdout)
		if err != nil {
			return fmt.Errorf("could not start the policy pack proxy: %w", err)
		}
		stack, err := proxy.AwaitConfiguration(ctx)
		if err != nil {
			return fmt.Errorf("could not get the stack configuration: %w", err)
		}
		if stack != nil {
			env = append(env,
				"PULUMI_NODEJS_ORGANIZATION="+stack.GetOrganization(),
				"PULUMI_NODEJS_PROJECT="+stack.GetProject(),
				"PULUMI_NODEJS_STACK="+stack.GetStack(),
				"PULUMI_NODEJS_DRY_RUN="+strconv.FormatBool(stack.GetDryRun()))
			if stack.GetConfig() != nil {
				configJSON, err := json.Marshal(stack.GetConfig())
				if err != nil {
					return err
				}
				env = append(env, "PULUMI_CONFIG="+string(configJSON))
			}
		}
	}

	cmd := exec.CommandContext(ctx, "node", args...)
	cmd.Dir = req.GetPwd()
	if isPolicyPack {
		cmd.Dir = info.GetProgramDirectory()
	}
	cmd.Env = env
	cmd.Stdout, cmd.Stderr = stdout, stderr
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("could not run node: %w", err)
	}
	if proxy != nil {
		if err := proxy.Attach(ctx, cmd); err != nil {
			return fmt.Errorf("could not attach the policy pack proxy: %w", err)
		}
		return closer.Close()
	}
	if err := cmd.Wait(); err != nil {
		return fmt.Errorf("plugin exited: %w", err)
	}
	return closer.Close()
}

// resolveModule finds an SDK entry point the way Node would from the program's directory, so the
// program's own @pulumi/pulumi (the npm-locked version) runs it.
func resolveModule(ctx context.Context, module, fromDir string) (string, error) {
	script := fmt.Sprintf("process.stdout.write(require.resolve(%q, { paths: [%q] }))", module, fromDir)
	out, err := exec.CommandContext(ctx, "node", "-e", script).Output()
	if err != nil {
		return "", fmt.Errorf("could not find %s from %s (is it installed? run npm ci): %w", module, fromDir, err)
	}
	return strings.TrimSpace(string(out)), nil
}

// programConfig turns "pkg:name" keys into the "pkg:config:name" keys the Node.js SDK reads from
// PULUMI_CONFIG.
func programConfig(values map[string]string) (string, error) {
	out := make(map[string]string, len(values))
	for k, v := range values {
		key, err := config.ParseKey(k)
		if err != nil {
			return "", err
		}
		out[key.Namespace()+":config:"+key.Name()] = v
	}
	b, err := json.Marshal(out)
	return string(b), err
}

func typescriptEnv(info *pulumirpc.ProgramInfo) []string {
	options := info.GetOptions().AsMap()
	var env []string
	if ts, ok := options["typescript"].(bool); !ok || ts {
		env = append(env, "PULUMI_NODEJS_TYPESCRIPT=true")
	}
	if path, ok := options["tsconfig"].(string); ok && path != "" {
		env = append(env, "PULUMI_NODEJS_TSCONFIG_PATH="+path)
	}
	return env
}

func nonNil(keys []string) []string {
	if keys == nil {
		return []string{}
	}
	return keys
}
