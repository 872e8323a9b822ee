// pause holds a pod sandbox's namespaces open until it is told to stop, like Kubernetes'
// build/pause: the lab builds it statically and imports it as the sandbox image, since nothing
// can be pulled offline.
package main

import (
	"os"
	"os/signal"
	"syscall"
)

func main() {
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGINT, syscall.SIGTERM)
	<-stop
}
